/**
 * The no-tenancy references: the same route with one mysql2 pool and no registry or cache.
 * MODE=fixed: node:http, every tenant answered from one database (reference 1).
 * MODE=mapped: node:http, the tenant name in the URL mapped straight to its database (reference 2).
 * MODE=hono: as mapped, but on Hono + @hono/node-server: the framework's own floor.
 */
import { createServer } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import mysql from 'mysql2';

const mode = process.env.MODE ?? 'fixed';
const prefix = process.env.PREFIX ?? 'bench_t_';
const fixedDb = process.env.FIXED_DB ?? `${prefix}t00000`;
const url = new URL(process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
const pool = mysql.createPool({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  connectionLimit: Number(process.env.MAX_CONNECTIONS ?? 10),
});
const ROUTE = /^\/([A-Za-z0-9][A-Za-z0-9_-]{0,62})\/users$/;

const databaseOf = (tenant: string) => (mode === 'fixed' ? fixedDb : prefix + tenant.toLowerCase().replaceAll('-', '_'));
const usernames = (tenant: string) =>
  new Promise<string[]>((resolve, reject) =>
    pool.query(`select username from \`${databaseOf(tenant)}\`.users order by id`, (error, rows) =>
      error ? reject(error) : resolve((rows as Array<{ username: string }>).map((r) => r.username)),
    ),
  );

function listening(port: number) {
  console.log(`listening ${port}`);
}

if (mode === 'hono') {
  const app = new Hono();
  app.get('/:tenant/users', async (c) => {
    const tenant = c.req.param('tenant');
    if (!ROUTE.test(`/${tenant}/users`)) return c.body(null, 404);
    try {
      return c.json({ [tenant]: await usernames(tenant) });
    } catch (error) {
      return c.body(null, (error as { code?: string }).code === 'ER_BAD_DB_ERROR' ? 404 : 503);
    }
  });
  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => listening(info.port));
  process.on('SIGTERM', () => server.close(() => pool.end(() => process.exit(0))));
} else {
  const server = createServer((req, res) => {
    const match = ROUTE.exec(req.url ?? '');
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const tenant = match[1]!;
    usernames(tenant).then(
      (names) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ [tenant]: names })),
      (error: { code?: string }) => res.writeHead(error.code === 'ER_BAD_DB_ERROR' ? 404 : 503).end(),
    );
  });
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    listening(typeof address === 'object' && address ? address.port : 0);
  });
  process.on('SIGTERM', () => server.close(() => pool.end(() => process.exit(0))));
}
