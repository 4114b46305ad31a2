import {
  Kysely,
  type KyselyPlugin,
  type MysqlPool,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  WithSchemaPlugin,
  sql,
} from 'kysely';
import { LRUCache } from 'lru-cache';
import mysql from 'mysql2';
import { type PoolStats, SCOPED_KYSELY_CACHE_SIZE, type TenantDatabaseServer } from '../../connections/types.js';
import { GuardedDialect, Lifecycle } from '../guarded-dialect.js';
import { assertDatabaseName, quoteMysqlIdentifier } from '../../names.js';
import { REGISTRY_TABLES } from '../../registry/registry-migrations.js';
import { type ResultNeutralPlugin, createMysqlKysely } from './mysql-driver.js';
import { SchemaScopedMysqlDialect } from './schema-scoped-mysql-dialect.js';

export interface MysqlServerConfig {
  readonly name: string;
  /** `mysql://user:pass@host:port[/db]`; the database part, if any, is not used for tenants. */
  readonly url: string;
  /** Most connections this process opens to the server, all tenants together. */
  readonly maxConnections: number;
  /** Extra mysql2 pool options (tests, Workers' `disableEval`). */
  readonly poolOptions?: mysql.PoolOptions;
  /** Schema transformers kept (see TenantSchemaPlugin); SCHEMA_TRANSFORMER_CACHE_SIZE by default. */
  readonly schemaTransformers?: number;
}

/**
 * A server on connections that someone else owns (Workers: the current request's connection
 * through Hyperdrive). The server never ends that pool; `stats` reports on it.
 */
export interface SharedPoolMysqlServerConfig {
  readonly name: string;
  readonly pool: MysqlPool;
  readonly stats: () => Omit<PoolStats, 'server'>;
}

/**
 * How many of Kysely's schema transformers a server keeps (about 6 KB each). Few: one is needed
 * only while a query is built, and a precompiled one needs none. Kept longer, the transformers
 * of tenants seen once outlived a garbage collection or two and grew the old generation.
 */
export const SCHEMA_TRANSFORMER_CACHE_SIZE = 32;

/**
 * Qualifies a tenant's tables with its database, as Kysely's WithSchemaPlugin does, without
 * carrying one: that plugin holds a transformer of about 6 KB (10,000 tenants were 61 MiB).
 * It is built only when a query is built, from a bounded set shared by the server; a
 * precompiled query never needs one. Sharing is safe: a transform runs synchronously.
 */
class TenantSchemaPlugin implements ResultNeutralPlugin {
  readonly resultNeutral = true;

  constructor(
    readonly schema: string,
    readonly shared: LRUCache<string, WithSchemaPlugin>,
  ) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    let plugin = this.shared.get(this.schema);
    if (!plugin) {
      plugin = new WithSchemaPlugin(this.schema);
      this.shared.set(this.schema, plugin);
    }
    return plugin.transformQuery(args);
  }

  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

/** mysql2 pool internals we read for stats; not part of its typed API. */
interface PoolInternals {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
}

/**
 * mysql2's own formatting (each `?` replaced by its escaped value), except that a statement with
 * no values is sent as it is, which is what mysql2's formatting returns for it too: mysql2 would
 * first scan the whole text for placeholders to fill with nothing, 3% of the instructions of a
 * request whose query has its values written in (a route's hot first page).
 */
export function formatQuery(this: { config: { stringifyObjects?: boolean } }, text: string, values: unknown, timezone?: string): string {
  if (values === undefined || values === null || (Array.isArray(values) && values.length === 0)) return text;
  return mysql.format(text, values as Parameters<typeof mysql.format>[1], this.config.stringifyObjects, timezone);
}

export const DEFAULT_MYSQL_POOL_OPTIONS = {
  queryFormat: formatQuery as unknown as mysql.PoolOptions['queryFormat'],
  connectTimeout: 5_000,
  enableKeepAlive: true,
  keepAliveInitialDelay: 10_000,
  idleTimeout: 60_000,
  waitForConnections: true,
  queueLimit: 0,
  supportBigNumbers: true,
  charset: 'utf8mb4',
  // mysql2 gives every connection a prepared-statement cache that preallocates four arrays of
  // this many slots: about 0.5 MiB of heap a connection at its default of 16,000, kept for the
  // connection's life and marked by every full GC. Nothing here prepares statements (Kysely's
  // MySQL driver and ours send text queries), so a handful of slots is plenty.
  maxPreparedStatements: 16,
} satisfies mysql.PoolOptions;

/** Builds the mysql2 pool options for a URL, keeping the password out of anything we log. */
export function mysqlPoolOptions(url: string, connectionLimit: number, extra?: mysql.PoolOptions): mysql.PoolOptions {
  const parsed = new URL(url);
  return {
    ...DEFAULT_MYSQL_POOL_OPTIONS,
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    connectionLimit,
    maxIdle: connectionLimit,
    ...extra,
  };
}

/**
 * A MySQL/MariaDB server that holds many tenant databases behind one bounded mysql2 pool.
 * Queries name the tenant database (`db`.`table`) through Kysely's withSchema; a pooled
 * connection is never switched with USE.
 */
export class MysqlServer implements TenantDatabaseServer {
  readonly name: string;
  readonly dialect = 'mysql' as const;
  readonly #pool: MysqlPool;
  readonly #stats: () => Omit<PoolStats, 'server'>;
  readonly #end: () => Promise<void>;
  readonly #lifecycle: Lifecycle;
  readonly #root: Kysely<any>;
  readonly #scoped = new LRUCache<string, Kysely<any>>({ max: SCOPED_KYSELY_CACHE_SIZE });
  readonly #transformers: LRUCache<string, WithSchemaPlugin>;

  constructor(config: MysqlServerConfig | SharedPoolMysqlServerConfig) {
    this.name = config.name;
    if ('pool' in config) {
      this.#pool = config.pool;
      this.#stats = config.stats;
      this.#end = async () => {};
    } else {
      const pool = mysql.createPool(mysqlPoolOptions(config.url, config.maxConnections, config.poolOptions));
      this.#pool = pool as unknown as MysqlPool;
      this.#stats = () => ownPoolStats(pool, config.maxConnections);
      this.#end = () => new Promise<void>((resolve) => pool.end(() => resolve()));
    }
    this.#transformers = new LRUCache({
      max: ('schemaTransformers' in config && config.schemaTransformers) || SCHEMA_TRANSFORMER_CACHE_SIZE,
    });
    this.#lifecycle = new Lifecycle(`tenant database server "${config.name}"`);
    this.#root = createMysqlKysely(this.#pool, this.name, this.#lifecycle);
  }

  database(database: string): Kysely<any> {
    this.#lifecycle.assertAlive();
    let db = this.#scoped.get(database);
    if (!db) {
      assertDatabaseName(database);
      db = this.#root.withPlugin(new TenantSchemaPlugin(database, this.#transformers));
      this.#scoped.set(database, db);
    }
    return db;
  }

  migrationDatabase(database: string): Kysely<any> {
    this.#lifecycle.assertAlive();
    assertDatabaseName(database);
    // Shares the pool; never destroyed itself (that would end the shared pool).
    const dialect = new SchemaScopedMysqlDialect({ pool: this.#pool }, database);
    return new Kysely<any>({ dialect: new GuardedDialect(dialect, this.name, this.#lifecycle) }).withSchema(database);
  }

  async databaseExists(database: string): Promise<boolean> {
    assertDatabaseName(database);
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.schemata where schema_name = ${database}`.execute(this.#root);
    return Number(rows[0]?.n) > 0;
  }

  async createDatabase(database: string): Promise<boolean> {
    // One statement: MySQL reports one affected row when it created the database, none when it existed.
    const result = await sql`create database if not exists ${sql.raw(quoteMysqlIdentifier(database))} character set utf8mb4`.execute(this.#root);
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  async dropDatabase(database: string): Promise<void> {
    await sql`drop database if exists ${sql.raw(quoteMysqlIdentifier(database))}`.execute(this.#root);
    this.#scoped.delete(database);
    this.#transformers.delete(database);
  }

  async holdsRegistry(database: string): Promise<boolean> {
    assertDatabaseName(database);
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from information_schema.tables
      where table_schema = ${database} and table_name in (${sql.join(REGISTRY_TABLES)})`.execute(this.#root);
    return Number(rows[0]?.n) > 0;
  }

  async listDatabases(prefix: string): Promise<string[]> {
    const pattern = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + '%';
    const { rows } = await sql<{ name: string }>`
      select schema_name as name from information_schema.schemata
      where schema_name like ${pattern} order by schema_name`.execute(this.#root);
    return rows.map((r) => r.name);
  }

  stats(): PoolStats {
    return { server: this.name, ...this.#stats() };
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.#root);
  }

  async destroy(): Promise<void> {
    if (this.#lifecycle.destroyed) return;
    this.#lifecycle.markDestroyed();
    this.#scoped.clear();
    this.#transformers.clear();
    // End the pool ourselves rather than through Kysely, so later use meets our DestroyedError.
    await this.#end();
  }
}

function ownPoolStats(pool: mysql.Pool, limit: number): Omit<PoolStats, 'server'> {
  const p = pool as unknown as PoolInternals;
  const open = p._allConnections.length;
  const idle = p._freeConnections.length;
  return { open, idle, inUse: open - idle, waiting: p._connectionQueue.length, limit };
}
