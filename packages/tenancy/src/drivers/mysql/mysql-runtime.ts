import { type DatabaseLocation, DEFAULT_REGISTRY_DATABASE } from '../../config.js';
import type { TenancyRuntime } from '../../create-tenancy.js';
import { ConfigError } from '../../errors.js';
import type { KyselyTenantRegistry } from '../../registry/kysely-tenant-registry.js';
import { createMysqlRegistry } from './mysql-registry.js';
import { MysqlServer } from './mysql-server.js';

/** The registry a `mysql://…/<database>` location names. */
export function createMysqlRegistryAt(location: DatabaseLocation): KyselyTenantRegistry {
  const { url, database } = mysql(location);
  const server = new URL(url);
  server.pathname = '/';
  return createMysqlRegistry({ url: server.toString(), database: database ?? DEFAULT_REGISTRY_DATABASE });
}

function mysql(location: DatabaseLocation): Extract<DatabaseLocation, { kind: 'mysql' }> {
  if (location.kind !== 'mysql') throw new ConfigError(`expected a mysql:// location, got a ${location.kind} one`);
  return location;
}

export interface MysqlRuntimeOptions {
  /** The runtime's name in messages (`deno`, say); `mysql` by default. */
  readonly name?: string;
}

/**
 * A runtime that reaches MySQL and MariaDB only, through mysql2 pools: for long-lived processes
 * without Node's other drivers (Deno). Cache invalidations are not spread: `REDIS_URL` is
 * ignored with a warning, and changes arrive within the cache TTL.
 */
export function mysqlRuntime(options: MysqlRuntimeOptions = {}): TenancyRuntime {
  const name = options.name ?? 'mysql';
  return {
    name,
    reaches: ['mysql'],
    registry: (location) => createMysqlRegistryAt(location),
    server: (server, settings) =>
      new MysqlServer({ name: server.name, url: mysql(server.location).url, maxConnections: settings.maxConnections }),
    invalidation: (settings, logger) => {
      if (settings.redisUrl) logger.warn(`REDIS_URL is ignored on ${name}; changes reach this process within TENANCY_CACHE_TTL_MS`);
      return undefined;
    },
  };
}
