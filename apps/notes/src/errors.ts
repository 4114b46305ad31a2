import { HttpError } from '@tenantry/hono';

/** Codes the notes routes raise themselves; the core's codes map in @tenantry/hono's one table. */
export const NOTES_ERROR_CODES = ['invalid_input', 'note_not_found', 'payload_too_large'] as const;
export type NotesErrorCode = (typeof NOTES_ERROR_CODES)[number];

export const STATUS_BY_NOTES_CODE = {
  invalid_input: 400,
  note_not_found: 404,
  payload_too_large: 413,
} as const satisfies Record<NotesErrorCode, number>;

/** An error of the notes routes: a stable code and a message fit for the client. */
export class NotesError extends HttpError<NotesErrorCode> {
  constructor(code: NotesErrorCode, message: string) {
    super(STATUS_BY_NOTES_CODE[code], code, message);
  }
}
