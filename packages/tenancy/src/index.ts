// The runtime-neutral core: nothing here imports a Node-only module. Drivers and runtimes live
// behind subpath exports (@tenantry/tenancy/mysql, /sqlite, /node, /redis, /edge).
export * from './errors.js';
export * from './names.js';
export * from './config.js';
export * from './logger.js';
export * from './concurrency.js';
export * from './registry/types.js';
export { KyselyTenantRegistry, type KyselyTenantRegistryConfig, type RegistrySchema } from './registry/kysely-tenant-registry.js';
export * from './cache/invalidation.js';
export * from './cache/tenant-cache.js';
export * from './connections/types.js';
export * from './connections/connection-manager.js';
export * from './migrations/tenant-migrator.js';
export * from './provisioning/provisioner.js';
export * from './provisioning/physical-layout.js';
export * from './tenancy.js';
export * from './tenantry-config.js';
export * from './create-tenancy.js';
export { GuardedDialect, Lifecycle } from './drivers/guarded-dialect.js';
