// Cloudflare Workers: tenant databases and the registry through Hyperdrive bindings, one mysql2
// connection per request and binding (Hyperdrive pools), tenant metadata cached per isolate.
export * from './edge-tenancy.js';
export * from './request-scope.js';
