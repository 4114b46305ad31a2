// The notes product's config, for the `tenantry` CLI (`tenantry --config apps/notes/tenantry.config.ts`,
// or from this folder). The declaration itself is src/product.ts, which the Node entry is built from.
export { default } from './src/product.js';
