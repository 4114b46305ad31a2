import type { ColumnType, Generated, Migration } from 'kysely';
import * as notes from './migrations/0001_notes.js';
import * as notesPinned from './migrations/0002_notes_pinned.js';

/** A tenant database of the notes product, as its migrations make it. */
export interface NotesDatabase {
  notes: {
    id: Generated<number>;
    title: string;
    body: string;
    /** ISO 8601, UTC (see 0001_notes). */
    created_at: string;
    /** 0 or 1: SQLite has no boolean (and better-sqlite3 binds none), MySQL's is a tinyint. */
    pinned: ColumnType<number, number | undefined, number>;
  };
}

/**
 * The tenant migrations, by name, applied in name order. Append only: a released migration
 * never changes; a new one gets the next number, a file in migrations/ and a line here, and
 * NotesDatabase above says what it adds.
 */
export const NOTES_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_notes': notes,
  '0002_notes_pinned': notesPinned,
});
