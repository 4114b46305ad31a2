import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  type MigrationLockOptions,
  MysqlAdapter,
  MysqlDialect,
  type MysqlDialectConfig,
  type SchemaMetadata,
  type TableMetadata,
  sql,
} from 'kysely';
import { fnv1a32 } from '../../names.js';

/**
 * A MySQL dialect for running Kysely's Migrator inside one database of a shared server.
 * Kysely's own adapter takes one server-wide GET_LOCK, so migrations of different tenants on
 * one server would queue behind each other; this one locks per database, and its introspector
 * looks at that one database instead of listing every schema on the server.
 */
export class SchemaScopedMysqlDialect extends MysqlDialect {
  readonly #schema: string;

  constructor(config: MysqlDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  override createAdapter(): MysqlAdapter {
    return new PerDatabaseLockAdapter();
  }

  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SingleSchemaIntrospector(db, this.#schema);
  }
}

const LOCK_TIMEOUT_SECONDS = 60 * 60;

/** GET_LOCK names are server-wide and at most 64 characters: keep a readable part and a hash of the rest. */
export function migrationLockName(database: string): string {
  return `tenantry_migrate:${database.slice(0, 37)}:${fnv1a32(database)}`;
}

class PerDatabaseLockAdapter extends MysqlAdapter {
  override async acquireMigrationLock(db: Kysely<any>, options: MigrationLockOptions): Promise<void> {
    const name = migrationLockName(options.lockTableSchema ?? 'default');
    const { rows } = await sql<{ locked: number | null }>`select get_lock(${name}, ${LOCK_TIMEOUT_SECONDS}) as locked`.execute(db);
    if (Number(rows[0]?.locked) !== 1) throw new Error(`could not take the migration lock ${name}`);
  }

  override async releaseMigrationLock(db: Kysely<any>, options: MigrationLockOptions): Promise<void> {
    await sql`select release_lock(${migrationLockName(options.lockTableSchema ?? 'default')})`.execute(db);
  }
}

class SingleSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    readonly db: Kysely<any>,
    readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select schema_name as name from information_schema.schemata where schema_name = ${this.schema}`.execute(this.db);
    return rows.map((r) => ({ name: r.name }));
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{ name: string; type: string }>`
      select table_name as name, table_type as type from information_schema.tables
      where table_schema = ${this.schema}`.execute(this.db);
    return rows.map((r) => ({ name: r.name, schema: this.schema, isView: r.type === 'VIEW', columns: [] }));
  }

  async getMetadata(_options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
