import type { RequestIdEnv, TenancyEnv } from '@tenantry/hono';
import type { Tenancy, TenancyLogger } from '@tenantry/tenancy';
import type { NotesDatabase } from './schema.js';

/** What `createApp` needs; the Node entry builds it (the app reads no environment). */
export interface NotesAppDeps {
  readonly tenancy: Tenancy<NotesDatabase>;
  /** Request lines and 5xx errors. */
  readonly logger: TenancyLogger;
}

/** Typed context of every handler: the request id. */
export type NotesEnv = RequestIdEnv;

/** Typed context of the routes under the tenant middleware: the tenant and its `Kysely<NotesDatabase>`. */
export type NotesTenantEnv = TenancyEnv<NotesDatabase>;
