import type { Kysely } from 'kysely';

/** Pinned notes: a flag every existing note takes as false. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notes')
    .addColumn('pinned', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}
