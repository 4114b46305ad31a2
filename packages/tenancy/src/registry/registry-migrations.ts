import type { Kysely, Migration } from 'kysely';

/** Tables only a registry database has: their presence marks a database as a registry. */
export const REGISTRY_TABLES = ['tenantry_registry_state', 'tenantry_registry_migration'] as const;

/** The registry's own schema history. Append only. */
export const REGISTRY_MIGRATIONS: Record<string, Migration> = {
  '0001_tenants': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tenants')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('name', 'varchar(63)', (c) => c.notNull())
        .addColumn('name_key', 'varchar(63)', (c) => c.notNull().unique())
        .addColumn('database_name', 'varchar(64)', (c) => c.notNull())
        .addColumn('server', 'varchar(63)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('schema_version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      // One database hosts one tenant: two rows may never point at the same database.
      await db.schema
        .createIndex('tenants_server_database')
        .on('tenants')
        .columns(['server', 'database_name'])
        .unique()
        .execute();
      await db.schema.createIndex('tenants_status').on('tenants').column('status').execute();
    },
  },
  '0002_registry_state': {
    // One row whose version every registry write bumps in its own transaction: caches confirm
    // an expired entry by reading this number instead of the tenant's row.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('tenantry_registry_state')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('version', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.insertInto('tenantry_registry_state').values({ id: 1, version: 0 }).execute();
    },
  },
};
