import type { Kysely } from 'kysely';
import { DEFAULT_CACHE_MAX } from '../cache/tenant-cache.js';
import type { ServerConfig } from '../config.js';

/**
 * How many per-database Kysely instances a server keeps (a few hundred bytes each): as many as
 * the tenant cache holds names. With fewer, more active tenants than this would build a new
 * instance on nearly every request.
 */
export const SCOPED_KYSELY_CACHE_SIZE = DEFAULT_CACHE_MAX;

/** Connection-pool figures of one server, for /metrics and the budget tests. */
export interface PoolStats {
  readonly server: string;
  /** Connections (MySQL) or file handles (SQLite) open now. */
  readonly open: number;
  readonly inUse: number;
  readonly idle: number;
  /** Requests queued for a connection. */
  readonly waiting: number;
  /** The most this process will open. */
  readonly limit: number;
}

/**
 * One place where tenant databases live: a MySQL server (one pool for all its tenants) or a
 * folder of SQLite files. Owns its connections; `destroy()` closes them all.
 */
export interface TenantDatabaseServer {
  readonly name: string;
  readonly dialect: 'mysql' | 'sqlite';
  /**
   * Kysely addressing one tenant database. Cheap; never opens a connection per tenant. Untyped
   * here: the product's schema types it at the Tenancy boundary (`Tenancy<DB>`).
   */
  database(database: string): Kysely<any>;
  /** Kysely the tenant migrator runs on: its migration lock covers this one database. */
  migrationDatabase(database: string): Kysely<any>;
  databaseExists(database: string): Promise<boolean>;
  /** Creates the database; false when it already existed. */
  createDatabase(database: string): Promise<boolean>;
  dropDatabase(database: string): Promise<void>;
  /**
   * Whether `database` holds a Tenantry registry (its tables are there): what tells a registry
   * apart however it was reached (another host name for the server, a symlinked folder).
   */
  holdsRegistry(database: string): Promise<boolean>;
  /** Database names on this server that start with `prefix`. */
  listDatabases(prefix: string): Promise<string[]>;
  stats(): PoolStats;
  /** Throws TenantDatabaseUnavailableError unless the server answers. */
  ping(): Promise<void>;
  destroy(): Promise<void>;
}

/** Builds a server from its config; supplied by the runtime (Node, Deno, Workers). */
export type TenantDatabaseServerFactory = (server: ServerConfig) => TenantDatabaseServer;
