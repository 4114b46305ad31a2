import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_MYSQL_URL, withMysqlRoot } from '@tenantry/tenancy/testing';

/** The MariaDB user the local Hyperdrive binding connects as (Hyperdrive needs a password). */
export const EDGE_USER = { user: 'tenantry_edge', password: 'tenantry_edge_dev' } as const;

/** Creates that user as root, from the same SQL the README gives developers. Idempotent. */
export async function createEdgeUser(): Promise<void> {
  const sql = readFileSync(fileURLToPath(new URL('../../../infra/cloudflare/local-dev-user.sql', import.meta.url)), 'utf8');
  const statements = sql
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  await withMysqlRoot(async (conn) => {
    for (const statement of statements) await conn.query(statement);
  });
}

/** The local Hyperdrive connection string for database `database` on the test MariaDB, as EDGE_USER. */
export function edgeConnectionString(database: string): string {
  const url = new URL(TEST_MYSQL_URL);
  url.username = EDGE_USER.user;
  url.password = EDGE_USER.password;
  url.pathname = `/${database}`;
  return url.toString();
}
