import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { type PoolStats, SCOPED_KYSELY_CACHE_SIZE, type TenantDatabaseServer } from '../../connections/types.js';
import { GuardedDialect, Lifecycle } from '../guarded-dialect.js';
import { TenantDatabaseUnavailableError } from '../../errors.js';
import { assertDatabaseName } from '../../names.js';
import { REGISTRY_TABLES } from '../../registry/registry-migrations.js';
import { PooledSqliteDialect } from './pooled-sqlite-dialect.js';
import { DEFAULT_SQLITE_MAX_OPEN, SqliteHandlePool, openSqlite } from './sqlite-handle-pool.js';

export interface SqliteFolderServerConfig {
  readonly name: string;
  /** The folder that holds one `<database>.db` file per tenant; created when missing. */
  readonly folder: string;
  /** Most files open at once; the least recently used is closed first. */
  readonly maxOpen?: number;
}

/** Tenant databases as SQLite files in one folder, with a bounded number of open handles. */
export class SqliteFolderServer implements TenantDatabaseServer {
  readonly name: string;
  readonly dialect = 'sqlite' as const;
  readonly folder: string;
  readonly #pool: SqliteHandlePool;
  readonly #lifecycle: Lifecycle;
  readonly #dbs = new LRUCache<string, Kysely<any>>({ max: SCOPED_KYSELY_CACHE_SIZE });

  constructor(config: SqliteFolderServerConfig) {
    this.name = config.name;
    this.folder = config.folder;
    this.#pool = new SqliteHandlePool(config.maxOpen ?? DEFAULT_SQLITE_MAX_OPEN);
    this.#lifecycle = new Lifecycle(`tenant database server "${config.name}"`);
  }

  /** The file of a tenant database. `database` is validated, so it cannot leave the folder. */
  pathOf(database: string): string {
    assertDatabaseName(database);
    return join(this.folder, `${database}.db`);
  }

  database(database: string): Kysely<any> {
    this.#lifecycle.assertAlive();
    let db = this.#dbs.get(database);
    if (!db) {
      db = new Kysely<any>({
        dialect: new GuardedDialect(new PooledSqliteDialect(this.#pool, this.pathOf(database)), this.name, this.#lifecycle),
      });
      this.#dbs.set(database, db);
    }
    return db;
  }

  migrationDatabase(database: string): Kysely<any> {
    return this.database(database);
  }

  async databaseExists(database: string): Promise<boolean> {
    this.#lifecycle.assertAlive();
    return existsSync(this.pathOf(database));
  }

  async createDatabase(database: string): Promise<boolean> {
    this.#lifecycle.assertAlive();
    const path = this.pathOf(database);
    if (existsSync(path)) return false;
    try {
      mkdirSync(this.folder, { recursive: true });
      openSqlite(path, { create: true }).close();
    } catch (error) {
      throw new TenantDatabaseUnavailableError(this.name, { cause: error });
    }
    return true;
  }

  async dropDatabase(database: string): Promise<void> {
    this.#lifecycle.assertAlive();
    const path = this.pathOf(database);
    this.#pool.evict(path);
    this.#dbs.delete(database);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }

  async holdsRegistry(database: string): Promise<boolean> {
    this.#lifecycle.assertAlive();
    const path = this.pathOf(database);
    if (!existsSync(path)) return false;
    let db: Database.Database | undefined;
    try {
      // Its own read-only handle: the file may be the registry, which the pool must never hold.
      db = new Database(path, { readonly: true, fileMustExist: true });
      const row = db
        .prepare(`select count(*) as n from sqlite_master where type = 'table' and name in (${REGISTRY_TABLES.map(() => '?').join(', ')})`)
        .get(...REGISTRY_TABLES) as { n: number };
      return Number(row.n) > 0;
    } catch (error) {
      // A file that is not a database holds no registry.
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') return false;
      throw new TenantDatabaseUnavailableError(this.name, { cause: error });
    } finally {
      db?.close();
    }
  }

  async listDatabases(prefix: string): Promise<string[]> {
    this.#lifecycle.assertAlive();
    if (!existsSync(this.folder)) return [];
    return readdirSync(this.folder)
      .filter((file) => file.endsWith('.db') && file.startsWith(prefix))
      .map((file) => file.slice(0, -'.db'.length))
      .sort();
  }

  stats(): PoolStats {
    const open = this.#pool.open;
    const inUse = this.#pool.inUse;
    return { server: this.name, open, inUse, idle: open - inUse, waiting: this.#pool.waiting, limit: this.#pool.max };
  }

  async ping(): Promise<void> {
    this.#lifecycle.assertAlive();
    try {
      mkdirSync(this.folder, { recursive: true });
    } catch (error) {
      throw new TenantDatabaseUnavailableError(this.name, { cause: error });
    }
  }

  async destroy(): Promise<void> {
    if (this.#lifecycle.destroyed) return;
    this.#lifecycle.markDestroyed();
    this.#dbs.clear();
    this.#pool.closeAll();
  }
}
