import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { RedisInvalidationBus } from './cache/redis-invalidation.js';
import type { DatabaseLocation, ServerConfig, TenancyConfig } from './config.js';
import { ConnectionManager } from './connections/connection-manager.js';
import type { TenantDatabaseServer } from './connections/types.js';
import { createMysqlRegistry } from './drivers/mysql/mysql-registry.js';
import { MysqlServer } from './drivers/mysql/mysql-server.js';
import { createSqliteRegistry } from './drivers/sqlite/sqlite-registry.js';
import { SqliteFolderServer } from './drivers/sqlite/sqlite-folder-server.js';
import type { TenancyLogger } from './logger.js';
import { PhysicalLayout } from './provisioning/physical-layout.js';
import type { TenantRegistry } from './registry/types.js';
import { Tenancy, type TenancyDeps } from './tenancy.js';

export interface NodeTenancyOptions {
  readonly logger?: TenancyLogger;
  /** Overrides for tests and benchmarks (negative TTL, cache size, ...). */
  readonly overrides?: Partial<Omit<TenancyDeps, 'registry' | 'connections'>>;
}

/** The registry a config names, on MySQL or SQLite. */
export function createRegistry(location: DatabaseLocation): TenantRegistry {
  if (location.kind === 'sqlite') return createSqliteRegistry({ path: resolve(location.path) });
  const url = new URL(location.url);
  url.pathname = '/';
  return createMysqlRegistry({ url: url.toString(), database: location.database ?? 'tenantry' });
}

/** A tenant database server on Node: one bounded mysql2 pool, or a folder of SQLite files. */
export function createNodeServer(server: ServerConfig, maxConnections: number): TenantDatabaseServer {
  const { location } = server;
  if (location.kind === 'sqlite') return new SqliteFolderServer({ name: server.name, folder: resolve(location.path) });
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

/** The registry's place and the servers' physical identities, from a config (SQLite paths resolved). */
export function createLayout(config: Pick<TenancyConfig, 'registry' | 'servers'>): PhysicalLayout {
  return new PhysicalLayout({ registry: config.registry, servers: config.servers, resolvePath: canonicalPath });
}

/** Wires the whole core for a Node process from a validated config. */
export function createTenancy(config: TenancyConfig, options: NodeTenancyOptions = {}): Tenancy {
  const { logger } = options;
  return new Tenancy({
    registry: createRegistry(config.registry),
    connections: new ConnectionManager({
      servers: config.servers,
      factory: (server) => createNodeServer(server, config.maxConnections),
    }),
    dbPrefix: config.dbPrefix,
    cacheTtlMs: config.cacheTtlMs,
    layout: createLayout(config),
    ...(config.redisUrl ? { invalidation: new RedisInvalidationBus({ url: config.redisUrl, ...(logger ? { logger } : {}) }) } : {}),
    ...(logger ? { logger } : {}),
    ...options.overrides,
  });
}

export { RedisInvalidationBus } from './cache/redis-invalidation.js';
export { MysqlServer, createMysqlRegistry } from './drivers/mysql/index.js';
export { SqliteFolderServer, createSqliteRegistry } from './drivers/sqlite/index.js';
