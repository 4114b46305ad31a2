export * from './sqlite-folder-server.js';
export * from './sqlite-registry.js';
export * from './sqlite-handle-pool.js';
export { PooledSqliteDialect } from './pooled-sqlite-dialect.js';
