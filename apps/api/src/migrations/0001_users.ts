import type { Kysely } from 'kysely';

/**
 * The seed's `users` table. Before products declared their own schema the core shipped this
 * migration under the same name, in the same migration table: a tenant created then has it
 * recorded, and is current. `if not exists` lets an adopted database that already has the table
 * (the original service's TenantA) take the migration as it is.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('username', 'varchar(100)', (c) => c.notNull())
    .execute();
}
