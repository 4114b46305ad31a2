/**
 * Where does the API's CPU per request go? Runs the users page query for random benchmark
 * tenants through each layer in turn, in this one process with no HTTP sockets, and reports the
 * process's CPU time per operation (process.cpuUsage: MariaDB's own time is not counted):
 *   mysql2          pool.query with the same SQL and parameters (the floor)
 *   kysely          Kysely's stock MysqlDialect on the same pool, precompiled query
 *   server          our MysqlServer: its own MySQL driver (guard built in), per-tenant schema plugin
 *   tenancy         + tenancy.tenant(name): cached registry lookup
 *   hono floor      a bare Hono app through app.fetch answering with mysql2 directly
 *   app             the Tenantry app through app.fetch, silent logger, no metrics
 *   app+log         + the JSON log line (to a discarding sink)
 *   app+log+metrics + Prometheus metrics
 * app.fetch gets a web Request here, which costs more than @hono/node-server's lazy one: compare
 * the app layers with the Hono floor, not with the layers above it.
 * Layers run interleaved, several rounds, and the table gives each layer's median.
 * Needs the tenants of `pnpm bench -- --provision-only` (t00000..); run that first.
 * Usage: pnpm --filter @tenantry/bench bench:layers [-- --tenants 10000 --ops 20000 --rounds 5 --only mysql2,app]
 * Profile: cd bench && node --cpu-prof --cpu-prof-dir=results --import tsx src/layers.ts --only mysql2,app
 */
import { parseArgs } from 'node:util';
import { Hono } from 'hono';
import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import mysql from 'mysql2';
import { createTenancy, loadConfig } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import product from '@tenantry/api/product';
import { createApp, createJsonLogger } from '@tenantry/api';
import { createPrometheusMetrics } from '../../apps/api/dist/metrics/prometheus.js';
import { BENCH_PREFIX, BENCH_REGISTRY, ROOT_URL, benchTenant, cliArgs, median } from './support.js';

const { values: args } = parseArgs({
  args: cliArgs(),
  options: {
    tenants: { type: 'string', default: '10000' },
    ops: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '10' },
    /** Comma-separated layer names, to profile some alone (node --cpu-prof). */
    only: { type: 'string' },
  },
});
const TENANTS = Number(args.tenants);
const OPS = Number(args.ops);
const CONCURRENCY = Number(args.concurrency);
const PREFIX = BENCH_PREFIX;
const tenantName = benchTenant;
const randomTenant = () => tenantName(Math.floor(Math.random() * TENANTS));
const pageSql = (database: string) => `select \`id\`, \`username\` from \`${database}\`.\`users\` where \`id\` > ? order by \`id\` limit ?`;

const pool = mysql.createPool({ uri: ROOT_URL, connectionLimit: CONCURRENCY });
const stock = new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
const tenancy = createTenancy(product, { settings: loadConfig({ DATABASE_URL: `${ROOT_URL}/${BENCH_REGISTRY}`, TENANCY_DB_PREFIX: PREFIX, TENANCY_MAX_CONNECTIONS: String(CONCURRENCY) }), runtime: nodeRuntime() });
const server = tenancy.connections.server('default');
const silent = { info() {}, warn() {}, error() {} };
const bare = createApp({ tenancy, logger: silent });
const logged = createApp({ tenancy, logger: createJsonLogger(() => {}) });
const observed = createApp({
  tenancy,
  logger: createJsonLogger(() => {}),
  metrics: createPrometheusMetrics({
    cacheStats: () => tenancy.cache.stats,
    poolStats: () => tenancy.connections.stats(),
    processMetrics: false,
  }),
});

const query = (tenant: string) =>
  new Promise<Array<{ id: number; username: string }>>((resolve, reject) =>
    pool.query(pageSql(PREFIX + tenant), [0, 1000], (error, rows) => (error ? reject(error) : resolve(rows as Array<{ id: number; username: string }>))),
  );
const floor = new Hono().get('/:tenant/users', async (c) => {
  const tenant = c.req.param('tenant');
  return c.json({ [tenant]: (await query(tenant)).map((r) => r.username) });
});

async function fetchOk(app: { fetch: (request: Request) => Response | Promise<Response> }, tenant: string) {
  const res = await app.fetch(new Request(`http://bench.local/${tenant}/users`));
  if (res.status !== 200) throw new Error(`${tenant}: HTTP ${res.status}`);
  await res.text();
}

const LAYERS: Record<string, (tenant: string) => Promise<unknown>> = {
  mysql2: query,
  kysely: (tenant) => stock.executeQuery(CompiledQuery.raw(pageSql(PREFIX + tenant), [0, 1000])),
  server: (tenant) => server.database(PREFIX + tenant).executeQuery(CompiledQuery.raw(pageSql(PREFIX + tenant), [0, 1000])),
  tenancy: async (tenant) => {
    const { db, tenant: record } = await tenancy.tenant(tenant);
    return db.executeQuery(CompiledQuery.raw(pageSql(record.database), [0, 1000]));
  },
  'hono floor': (tenant) => fetchOk(floor, tenant),
  app: (tenant) => fetchOk(bare, tenant),
  'app+log': (tenant) => fetchOk(logged, tenant),
  'app+log+metrics': (tenant) => fetchOk(observed, tenant),
};

/** CPU microseconds per operation over `ops` operations, `CONCURRENCY` in flight. */
async function measure(run: (tenant: string) => Promise<unknown>, ops: number): Promise<{ cpuUs: number; wallUs: number }> {
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < ops) await run(randomTenant());
    }),
  );
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / ops, wallUs: ((performance.now() - started) * 1000) / ops };
}

if (args.only) {
  const wanted = new Set(args.only.split(','));
  for (const name of Object.keys(LAYERS)) if (!wanted.has(name)) delete LAYERS[name];
  if (!LAYERS.mysql2) throw new Error('--only needs mysql2 among the layers (the table is relative to it)');
}

try {
  // Warm every layer's caches on every tenant first: this measures the steady state.
  for (const run of Object.values(LAYERS)) {
    for (let i = 0; i < TENANTS; i += CONCURRENCY) {
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, TENANTS - i) }, (_, j) => run(tenantName(i + j))));
    }
  }
  const results: Record<string, Array<{ cpuUs: number; wallUs: number }>> = {};
  for (let round = 0; round < Number(args.rounds); round++) {
    for (const [name, run] of Object.entries(LAYERS)) (results[name] ??= []).push(await measure(run, OPS));
  }
  const mysql2Cpu = median(results.mysql2!.map((r) => r.cpuUs));
  console.log(`${TENANTS} tenants, ${OPS} operations x ${args.rounds} rounds, ${CONCURRENCY} in flight; medians`);
  console.log('| layer | CPU µs/op | vs mysql2 | wall µs/op |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, runs] of Object.entries(results)) {
    const cpu = median(runs.map((r) => r.cpuUs));
    console.log(`| ${name} | ${cpu.toFixed(1)} | ${(cpu / mysql2Cpu).toFixed(2)} | ${median(runs.map((r) => r.wallUs)).toFixed(1)} |`);
  }
} finally {
  // The pool is ended here rather than by stock.destroy(): Kysely ends it only once it has used it.
  await new Promise((resolve) => pool.end(resolve));
  await tenancy.destroy();
}
