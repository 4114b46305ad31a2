// The seed product's config, for the `tenantry` CLI (`tenantry --config apps/api/tenantry.config.ts`,
// or from this folder). The declaration itself is src/product.ts, which the runtimes build from.
export { default } from './src/product.js';
