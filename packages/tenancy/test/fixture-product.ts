import type { Generated, Kysely } from 'kysely';
import { defineConfig } from '../src/index.js';

/**
 * The tenant schema the core's own tests run on: a product of their own, since the core ships
 * none. One table, `notes`.
 */
export interface NotesDatabase {
  notes: {
    id: Generated<number>;
    title: string;
  };
}

export const NOTES_MIGRATIONS = {
  '0001_notes': {
    // `if not exists`: an adopted database that already has the table takes the migration as it is.
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('notes')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('title', 'varchar(100)', (c) => c.notNull())
        .execute();
    },
  },
};

export const notesProduct = defineConfig<NotesDatabase>({ migrations: NOTES_MIGRATIONS });
