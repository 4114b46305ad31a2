import { CompiledQuery, type Generated, type Kysely, Migrator, type Selectable } from 'kysely';
import { DatabaseExistsError, DatabaseInUseError, RegistryUnavailableError, TenantExistsError, TenancyError } from '../errors.js';
import { databaseKey, tenantKey } from '../names.js';
import { REGISTRY_MIGRATIONS } from './registry-migrations.js';
import type { ListTenantsOptions, NewTenant, TenantRecord, TenantRegistry, TenantStatus, VersionedTenant } from './types.js';

interface TenantsTable {
  id: Generated<number>;
  name: string;
  name_key: string;
  database_name: string;
  server: string;
  status: string;
  generation: number;
  schema_version: number;
  created_at: string;
  updated_at: string;
}

interface RegistryStateTable {
  id: number;
  version: number | string | bigint;
}

export interface RegistrySchema {
  tenants: TenantsTable;
  tenantry_registry_state: RegistryStateTable;
}

/** The one row of tenantry_registry_state. */
const STATE_ID = 1;
/** Stands for the name key while the versioned lookup is compiled. */
const NAME_KEY_SLOT = '\u0000name_key';

export interface KyselyTenantRegistryConfig {
  /** Kysely bound to the registry database (for MySQL, already scoped with `withSchema`). */
  readonly db: Kysely<RegistrySchema>;
  /** Kysely the registry migrator runs on (a per-database lock on MySQL); defaults to `db`. */
  readonly migrationDb?: Kysely<any>;
  /** Runs before the schema migrations, e.g. CREATE DATABASE IF NOT EXISTS on MySQL. */
  readonly beforeMigrate?: () => Promise<void>;
  readonly migrationTableSchema?: string;
  /** Closes what this registry owns. */
  readonly onDestroy?: () => Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 1000;

/** The tenant registry on any Kysely dialect we support (MySQL, SQLite). */
export class KyselyTenantRegistry implements TenantRegistry {
  readonly #db: Kysely<RegistrySchema>;
  readonly #config: KyselyTenantRegistryConfig;
  /** The lookups, compiled once: they run on every cache miss and refresh. */
  readonly #versioned: CompiledQuery;
  readonly #versionSql: CompiledQuery;

  constructor(config: KyselyTenantRegistryConfig) {
    this.#db = config.db;
    this.#config = config;
    this.#versioned = config.db
      .selectFrom('tenantry_registry_state as s')
      .leftJoin('tenants as t', (join) => join.on('t.name_key', '=', NAME_KEY_SLOT))
      .selectAll('t')
      .select('s.version as registry_version')
      .where('s.id', '=', STATE_ID)
      .compile();
    this.#versionSql = config.db.selectFrom('tenantry_registry_state').select('version').where('id', '=', STATE_ID).compile();
  }

  /** Runs a write and bumps the registry version in one transaction. */
  #write<T>(run: (trx: Kysely<RegistrySchema>) => Promise<T>): Promise<T> {
    return guard(() =>
      this.#db.transaction().execute(async (trx) => {
        const result = await run(trx);
        await trx
          .updateTable('tenantry_registry_state')
          .set((eb) => ({ version: eb('version', '+', 1) }))
          .where('id', '=', STATE_ID)
          .execute();
        return result;
      }),
    );
  }

  async migrate(): Promise<void> {
    await guard(async () => {
      await this.#config.beforeMigrate?.();
      const migrator = new Migrator({
        db: this.#config.migrationDb ?? this.#db,
        provider: { getMigrations: async () => REGISTRY_MIGRATIONS },
        migrationTableName: 'tenantry_registry_migration',
        migrationLockTableName: 'tenantry_registry_migration_lock',
        ...(this.#config.migrationTableSchema ? { migrationTableSchema: this.#config.migrationTableSchema } : {}),
      });
      const { error } = await migrator.migrateToLatest();
      if (error) throw error;
    });
  }

  async get(name: string): Promise<TenantRecord | undefined> {
    return (await this.getVersioned(name)).record;
  }

  async getVersioned(name: string): Promise<VersionedTenant> {
    const key = tenantKey(name);
    const parameters = this.#versioned.parameters.map((p) => (p === NAME_KEY_SLOT ? key : p));
    const query = CompiledQuery.raw(this.#versioned.sql, parameters) as CompiledQuery<
      Selectable<TenantsTable> & { registry_version: RegistryStateTable['version'] }
    >;
    const { rows } = await guard(() => this.#db.executeQuery(query));
    const row = rows[0];
    if (!row) throw missingState();
    return { record: row.id === null ? undefined : toRecord(row), version: Number(row.registry_version) };
  }

  async version(): Promise<number> {
    const { rows } = await guard(() => this.#db.executeQuery(this.#versionSql as CompiledQuery<{ version: RegistryStateTable['version'] }>));
    if (!rows[0]) throw missingState();
    return Number(rows[0].version);
  }

  async list(options: ListTenantsOptions = {}): Promise<TenantRecord[]> {
    let query = this.#db
      .selectFrom('tenants')
      .selectAll()
      .orderBy('name_key')
      .limit(options.limit ?? DEFAULT_LIST_LIMIT);
    if (options.status) query = query.where('status', '=', options.status);
    if (options.after !== undefined) query = query.where('name_key', '>', options.after);
    const rows = await guard(() => query.execute());
    return rows.map(toRecord);
  }

  /** Every tenant, read page by page so a registry of any size never sits in one result set. */
  async *all(options: Omit<ListTenantsOptions, 'after'> = {}): AsyncGenerator<TenantRecord> {
    let after: string | undefined;
    for (;;) {
      const page = await this.list({ ...options, ...(after === undefined ? {} : { after }) });
      yield* page;
      if (page.length < (options.limit ?? DEFAULT_LIST_LIMIT)) return;
      after = tenantKey(page[page.length - 1]!.name);
    }
  }

  async count(): Promise<number> {
    const row = await guard(() =>
      this.#db.selectFrom('tenants').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  async findByDatabase(servers: readonly string[], database: string): Promise<TenantRecord[]> {
    if (servers.length === 0) return [];
    const rows = await guard(() =>
      this.#db
        .selectFrom('tenants')
        .selectAll()
        .where('server', 'in', [...servers])
        .where((eb) => eb(eb.fn<string>('lower', ['database_name']), '=', databaseKey(database)))
        .orderBy('id')
        .execute(),
    );
    return rows.map(toRecord);
  }

  async insert(tenant: NewTenant): Promise<TenantRecord> {
    const now = new Date().toISOString();
    try {
      await this.#write((trx) =>
        trx
          .insertInto('tenants')
          .values({
            name: tenant.name,
            name_key: tenantKey(tenant.name),
            database_name: tenant.database,
            server: tenant.server,
            status: 'provisioning',
            generation: 1,
            schema_version: 0,
            created_at: now,
            updated_at: now,
          })
          .execute(),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (!violatesDatabaseKey(error)) throw new TenantExistsError(tenant.name);
      // The (server, database_name) index: say whose database it is, not that the tenant exists.
      const [owner] = await this.findByDatabase([tenant.server], tenant.database).catch(() => []);
      throw owner
        ? new DatabaseInUseError(tenant.database, 'tenant', owner.name)
        : new DatabaseExistsError(tenant.database);
    }
    const record = await this.get(tenant.name);
    if (!record) throw new RegistryUnavailableError({ cause: new Error('inserted row not found') });
    return record;
  }

  async setStatus(name: string, to: TenantStatus, from: readonly TenantStatus[]): Promise<TenantRecord | undefined> {
    const result = await this.#write((trx) =>
      trx
        .updateTable('tenants')
        .set((eb) => ({ status: to, generation: eb('generation', '+', 1), updated_at: new Date().toISOString() }))
        .where('name_key', '=', tenantKey(name))
        .where('status', 'in', [...from])
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0 ? this.get(name) : undefined;
  }

  async setSchemaVersion(name: string, version: number): Promise<TenantRecord | undefined> {
    const result = await this.#write((trx) =>
      trx
        .updateTable('tenants')
        .set((eb) => ({ schema_version: version, generation: eb('generation', '+', 1), updated_at: new Date().toISOString() }))
        .where('name_key', '=', tenantKey(name))
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) > 0 ? this.get(name) : undefined;
  }

  async remove(name: string): Promise<boolean> {
    const result = await this.#write((trx) => trx.deleteFrom('tenants').where('name_key', '=', tenantKey(name)).executeTakeFirst());
    return Number(result.numDeletedRows) > 0;
  }

  async ping(): Promise<void> {
    await guard(() => this.#db.selectFrom('tenants').select('id').limit(1).execute());
  }

  async destroy(): Promise<void> {
    await this.#config.onDestroy?.();
  }
}

function toRecord(row: Selectable<TenantsTable>): TenantRecord {
  return Object.freeze({
    id: Number(row.id),
    name: row.name,
    database: row.database_name,
    server: row.server,
    status: row.status as TenantStatus,
    generation: Number(row.generation),
    schemaVersion: Number(row.schema_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function missingState(): RegistryUnavailableError {
  return new RegistryUnavailableError({ cause: new Error('tenantry_registry_state has no row: run the registry migrations') });
}

function isUniqueViolation(error: unknown): boolean {
  const cause = error instanceof RegistryUnavailableError ? error.cause : error;
  const code = (cause as { code?: unknown })?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Whether a unique violation is on the (server, database_name) index rather than on name_key. */
function violatesDatabaseKey(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const message = (e as { message?: unknown }).message;
    // MariaDB/MySQL name the index (tenants_server_database); SQLite names the columns.
    if (typeof message === 'string' && /tenants_server_database|database_name/.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Runs a registry query; any failure that is not already typed becomes RegistryUnavailableError. */
async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof TenancyError) throw error;
    throw new RegistryUnavailableError({ cause: error });
  }
}
