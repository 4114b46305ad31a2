import type { Kysely } from 'kysely';

/**
 * The notes table. `created_at` is an ISO 8601 UTC string written by the app: one form on MySQL
 * and SQLite alike (no driver turns it into a local-time Date), and it sorts as time does.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('notes')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('title', 'varchar(200)', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
}
