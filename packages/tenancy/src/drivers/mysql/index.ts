export * from './mysql-server.js';
export * from './mysql-registry.js';
export * from './mysql-runtime.js';
export * from './schema-scoped-mysql-dialect.js';
