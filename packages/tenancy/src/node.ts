// The core's Node runtime: MySQL and MariaDB through mysql2 pools, SQLite files through
// better-sqlite3, invalidations over Redis, and the loader of a product's tenantry.config.ts.
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { RedisInvalidationBus } from './cache/redis-invalidation.js';
import type { DatabaseLocation, ServerConfig } from './config.js';
import type { TenancyRuntime } from './create-tenancy.js';
import type { TenantDatabaseServer } from './connections/types.js';
import { MysqlServer } from './drivers/mysql/mysql-server.js';
import { createMysqlRegistryAt } from './drivers/mysql/mysql-runtime.js';
import { createSqliteRegistry } from './drivers/sqlite/sqlite-registry.js';
import { SqliteFolderServer } from './drivers/sqlite/sqlite-folder-server.js';
import { ConfigError } from './errors.js';
import type { TenantRegistry } from './registry/types.js';

export interface NodeRuntimeOptions {
  /** Only publish invalidations (a CLI keeps no cache worth invalidating). */
  readonly publishOnly?: boolean;
}

/** The registry a location names, on MySQL or SQLite (a relative SQLite path is the working directory's). */
export function createRegistry(location: DatabaseLocation): TenantRegistry {
  if (location.kind === 'sqlite') return createSqliteRegistry({ path: resolve(location.path) });
  return createMysqlRegistryAt(location);
}

/** A tenant database server on Node: one bounded mysql2 pool, or a folder of SQLite files. */
export function createNodeServer(server: ServerConfig, maxConnections: number): TenantDatabaseServer {
  const { location } = server;
  if (location.kind === 'sqlite') return new SqliteFolderServer({ name: server.name, folder: resolve(location.path) });
  if (location.kind === 'hyperdrive') throw new ConfigError(`TENANCY_SERVERS (${server.name}): hyperdrive:// is for Workers`);
  return new MysqlServer({ name: server.name, url: location.url, maxConnections });
}

/** A SQLite path made canonical: absolute, with symlinks followed where the path exists. */
export function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return absolute;
  }
}


/**
 * What Node supplies to `createTenancy`: registries and tenant servers on MySQL or SQLite, and
 * Redis pub/sub for invalidations when `REDIS_URL` is set.
 */
export function nodeRuntime(options: NodeRuntimeOptions = {}): TenancyRuntime {
  return {
    name: 'node',
    reaches: ['mysql', 'sqlite'],
    resolvePath: canonicalPath,
    registry: (location) => createRegistry(location),
    server: (server, settings) => createNodeServer(server, settings.maxConnections),
    invalidation: (settings, logger) =>
      settings.redisUrl
        ? new RedisInvalidationBus({ url: settings.redisUrl, logger, ...(options.publishOnly ? { publishOnly: true } : {}) })
        : undefined,
  };
}

export { CONFIG_FILE_NAMES, findConfigFile, loadConfigFile } from './config-file.js';
export { RedisInvalidationBus } from './cache/redis-invalidation.js';
export { MysqlServer, createMysqlRegistry, mysqlRuntime } from './drivers/mysql/index.js';
export { SqliteFolderServer, createSqliteRegistry } from './drivers/sqlite/index.js';
