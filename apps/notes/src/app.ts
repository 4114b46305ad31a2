import { errorHandler, notFoundHandler, requestId, resolveTenant } from '@tenantry/hono';
import { Hono } from 'hono';
import { requestLog } from './request-log.js';
import { healthRoutes } from './routes/health.js';
import { notesRoutes } from './routes/notes.js';
import type { NotesAppDeps, NotesEnv, NotesTenantEnv } from './types.js';

export type { NotesAppDeps, NotesEnv, NotesTenantEnv } from './types.js';
export type { Note, NotesPage } from './routes/notes.js';
export { DEFAULT_PAGE_SIZE, MAX_BODY_CHARS, MAX_PAGE_SIZE, MAX_TITLE_CHARS } from './routes/notes.js';
export { NOTES_ERROR_CODES, NotesError, STATUS_BY_NOTES_CODE, type NotesErrorCode } from './errors.js';

/** The routes of the notes service, for `hono/client` (`@tenantry/client`'s `createClient` / `tenantClient`). */
export type AppType = ReturnType<typeof createApp>;

/**
 * The notes service as a Hono app: `/healthz`, `/readyz` and `/:tenant/notes…`. Web standards
 * only: it reads no environment, the Node entry builds `deps`. The routes are chained so that
 * their types reach AppType.
 */
export function createApp(deps: NotesAppDeps) {
  const { tenancy, logger } = deps;
  // Only on the tenant's routes (`/notes/*` matches `/notes` too): a path that matches none is a
  // plain 404 with no registry lookup.
  const tenantRoutes = new Hono<NotesTenantEnv>().use('/notes/*', resolveTenant({ tenancy })).route('/', notesRoutes());
  return new Hono<NotesEnv>()
    .use(requestId())
    .use(requestLog(logger))
    .onError(errorHandler({ logger }))
    .notFound(notFoundHandler())
    .route('/', healthRoutes(tenancy))
    .route('/:tenant', tenantRoutes);
}
