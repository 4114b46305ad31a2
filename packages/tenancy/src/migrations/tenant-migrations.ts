import type { Kysely, Migration } from 'kysely';

/**
 * The schema of every tenant database. Append only: a migration, once released, never changes.
 * `if not exists` lets an adopted database that already has the table (the original service's
 * TenantA) take the migration as it is.
 */
export const TENANT_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_users': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('username', 'varchar(100)', (c) => c.notNull())
        .execute();
    },
  },
});

export const TENANT_MIGRATION_TABLE = 'tenantry_migration';
export const TENANT_MIGRATION_LOCK_TABLE = 'tenantry_migration_lock';
