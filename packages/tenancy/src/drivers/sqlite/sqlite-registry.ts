import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyTenantRegistry, type RegistrySchema } from '../../registry/kysely-tenant-registry.js';
import { openSqlite } from './sqlite-handle-pool.js';

export interface SqliteRegistryConfig {
  /** The registry file; it and its folder are created on first use. */
  readonly path: string;
}

/** The registry in one SQLite file (WAL), the embedded default. */
export function createSqliteRegistry(config: SqliteRegistryConfig): KyselyTenantRegistry {
  const db = new Kysely<RegistrySchema>({
    dialect: new SqliteDialect({
      database: async () => {
        mkdirSync(dirname(config.path), { recursive: true });
        return openSqlite(config.path, { create: true });
      },
    }),
  });
  return new KyselyTenantRegistry({ db, onDestroy: () => db.destroy() });
}
