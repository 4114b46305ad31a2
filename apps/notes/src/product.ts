import { fileURLToPath } from 'node:url';
import { defineConfig } from '@tenantry/tenancy';
import { NOTES_MIGRATIONS, type NotesDatabase } from './schema.js';

/**
 * Where the notes product keeps its embedded registry and tenant files: `apps/notes/.data/`, found
 * from this module (src/ or dist/, one level down), so the server started in this folder and the
 * CLI run at the repository root (`--config apps/notes/tenantry.config.ts`) open the same files.
 */
export const NOTES_DATA_DIR = fileURLToPath(new URL('../.data/', import.meta.url));

/** Tenant databases of this product are `notes_<tenant>` unless TENANCY_DB_PREFIX says otherwise. */
export const NOTES_DB_PREFIX = 'notes_';

/**
 * The notes product, declared once: its tenant schema and its own registry and prefix, so it
 * never shares tenants with the seed API on the same machine. DATABASE_URL, TENANCY_SERVERS and
 * TENANCY_DB_PREFIX override these defaults. The Node entry imports it from here; the `tenantry`
 * CLI loads it through `tenantry.config.ts` beside package.json.
 */
export default defineConfig<NotesDatabase>({
  migrations: NOTES_MIGRATIONS,
  connection: {
    databaseUrl: `sqlite:${NOTES_DATA_DIR}registry.db`,
    dbPrefix: NOTES_DB_PREFIX,
  },
});

export { NOTES_MIGRATIONS, type NotesDatabase } from './schema.js';
