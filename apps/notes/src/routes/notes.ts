import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { NotesError } from '../errors.js';
import type { NotesDatabase } from '../schema.js';
import type { NotesTenantEnv } from '../types.js';
import { validate } from '../validation.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_TITLE_CHARS = 200;
export const MAX_BODY_CHARS = 10_000;
/** Request bodies larger than this are refused (413) before they are parsed: a full note, escaped, fits. */
export const MAX_REQUEST_BYTES = 128 * 1024;

/** A note as the API gives it. */
export interface Note {
  id: number;
  title: string;
  body: string;
  pinned: boolean;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/** The body of `GET /notes`: a page in id order, and the `after` of the next page (null on the last). */
export interface NotesPage {
  notes: Note[];
  next: number | null;
}

// Up to 15 digits stays a safe JavaScript integer.
const positiveId = z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number);
const title = z.string().trim().min(1).max(MAX_TITLE_CHARS);
const body = z.string().max(MAX_BODY_CHARS);

const NoteId = z.object({ id: positiveId });
const PageQuery = z.object({
  limit: z
    .string()
    .regex(/^[0-9]{1,3}$/, `must be an integer from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional(),
  after: positiveId.optional(),
});
const NewNote = z.object({ title, body, pinned: z.boolean().optional() });
const NotePatch = z
  .object({ title, body, pinned: z.boolean() })
  .partial()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'give at least one of title, body, pinned');

type NoteRow = Selectable<NotesDatabase['notes']>;
const COLUMNS = ['id', 'title', 'body', 'pinned', 'created_at'] as const;

/** A row as the API gives it: a number id on every driver, a boolean `pinned`. */
function toNote(row: NoteRow): Note {
  return { id: Number(row.id), title: row.title, body: row.body, pinned: Boolean(row.pinned), createdAt: row.created_at };
}

async function findNote(db: Kysely<NotesDatabase>, id: number): Promise<Note> {
  const row = await db.selectFrom('notes').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotesError('note_not_found', `note ${id} does not exist`);
  return toNote(row);
}

const limitBody = () =>
  bodyLimit({
    maxSize: MAX_REQUEST_BYTES,
    onError: () => {
      throw new NotesError('payload_too_large', `the request body is larger than ${MAX_REQUEST_BYTES} bytes`);
    },
  });

/** The tenant's notes; mounted under the tenant middleware, so `c.var.db` is the tenant's database alone. */
export function notesRoutes() {
  return new Hono<NotesTenantEnv>()
    .get('/notes', validate('query', PageQuery), async (c) => {
      const { limit = DEFAULT_PAGE_SIZE, after } = c.req.valid('query');
      let query = c.var.db.selectFrom('notes').select(COLUMNS);
      if (after !== undefined) query = query.where('id', '>', after);
      // One row more than the page tells whether a next page exists without a count.
      const rows = await query.orderBy('id').limit(limit + 1).execute();
      const notes = rows.slice(0, limit).map(toNote);
      const page: NotesPage = { notes, next: rows.length > limit ? notes[notes.length - 1]!.id : null };
      return c.json(page, 200);
    })
    .post('/notes', limitBody(), validate('json', NewNote), async (c) => {
      const input = c.req.valid('json');
      const createdAt = new Date().toISOString();
      const result = await c.var.db
        .insertInto('notes')
        .values({ title: input.title, body: input.body, pinned: input.pinned ? 1 : 0, created_at: createdAt })
        .executeTakeFirstOrThrow();
      const note: Note = { id: Number(result.insertId), title: input.title, body: input.body, pinned: input.pinned ?? false, createdAt };
      return c.json(note, 201);
    })
    .get('/notes/:id', validate('param', NoteId), async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await findNote(c.var.db, id), 200);
    })
    .patch('/notes/:id', limitBody(), validate('param', NoteId), validate('json', NotePatch), async (c) => {
      const { id } = c.req.valid('param');
      const patch = c.req.valid('json');
      const db = c.var.db;
      await db
        .updateTable('notes')
        .set({
          ...(patch.title === undefined ? {} : { title: patch.title }),
          ...(patch.body === undefined ? {} : { body: patch.body }),
          ...(patch.pinned === undefined ? {} : { pinned: patch.pinned ? 1 : 0 }),
        })
        .where('id', '=', id)
        .execute();
      // Read back rather than trust the update's count: MySQL counts changed rows, so a patch that
      // changes nothing counts 0 for a note that exists. A missing note is the 404 of findNote.
      return c.json(await findNote(db, id), 200);
    })
    .delete('/notes/:id', validate('param', NoteId), async (c) => {
      const { id } = c.req.valid('param');
      const result = await c.var.db.deleteFrom('notes').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new NotesError('note_not_found', `note ${id} does not exist`);
      return c.body(null, 204);
    });
}
