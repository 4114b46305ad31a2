/**
 * The no-tenancy references: the same route on node:http with one mysql2 pool, no framework,
 * registry or cache. MODE=fixed answers every tenant from one database (reference 1);
 * MODE=mapped maps the tenant name in the URL straight to its database (reference 2).
 */
import { createServer } from 'node:http';
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

const server = createServer((req, res) => {
  const match = ROUTE.exec(req.url ?? '');
  if (!match) {
    res.writeHead(404).end();
    return;
  }
  const tenant = match[1]!;
  const db = mode === 'fixed' ? fixedDb : prefix + tenant.toLowerCase().replaceAll('-', '_');
  pool.query(`select username from \`${db}\`.users order by id`, (error, rows) => {
    if (error) {
      res.writeHead(error.code === 'ER_BAD_DB_ERROR' ? 404 : 503).end();
      return;
    }
    const body = JSON.stringify({ [tenant]: (rows as Array<{ username: string }>).map((r) => r.username) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => pool.end(() => process.exit(0))));
