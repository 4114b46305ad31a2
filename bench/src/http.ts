/**
 * GET /:tenant/users under load: the Tenantry API against two no-tenancy references, in one run.
 *   ref-fixed   node:http + one mysql2 pool on one fixed database       (upper bound, few tenants)
 *   ref-mapped  node:http + one pool, tenant name -> database directly   (upper bound at N tenants)
 *   ref-hono    as ref-mapped, on Hono + @hono/node-server                 (the framework's own floor)
 * Usage: pnpm bench [-- --tenants 2,10000 --duration 10 --slices 5 --runs 3 --settle 1 --settings both --compare ../other-checkout --rate 3000]
 *        --rate N holds every server at N requests a second: CPU µs/req at a fixed load is much
 *        steadier on a shared machine than saturation throughput.
 *        pnpm bench -- --cleanup     drops the benchmark tenants and registry
 *        pnpm bench -- --provision-only --tenants 10000   only creates the tenants (reused later)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createTenancy, loadConfig } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import product from '@tenantry/api/product';
import mysql from 'mysql2/promise';
import { BENCH_PREFIX, BENCH_REGISTRY, ROOT_URL, type Started, benchTenant, cliArgs, connectionsByUser, databaseServerPid, ensureUser, median, processCpuTimes, startServer, withRoot } from './support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const { values: args } = parseArgs({
  args: cliArgs(),
  options: {
    tenants: { type: 'string', default: '2,10000' },
    distribution: { type: 'string', default: 'uniform,skewed' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '4' },
    /** Seconds of the same load, unmeasured, right before each measured slice (see the run loop). */
    settle: { type: 'string', default: '1' },
    /** A run's load for each server, cut into this many slices that the servers take in turn (see the run loop). */
    slices: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    runs: { type: 'string', default: '3' },
    settings: { type: 'string', default: 'both' },
    'max-connections': { type: 'string', default: '10' },
    cleanup: { type: 'boolean', default: false },
    'provision-only': { type: 'boolean', default: false },
    /** Another checkout (built): its API runs as a fifth server, for a before/after in one run. */
    compare: { type: 'string' },
    /** A fixed load (requests a second, all connections together) instead of saturation. */
    rate: { type: 'string' },
  },
});

const PREFIX = BENCH_PREFIX;
const REGISTRY = BENCH_REGISTRY;
const PASSWORD = 'bench-pw-1';
const USERS = { api: 'tt_bench_api', fixed: 'tt_bench_ref1', mapped: 'tt_bench_ref2', hono: 'tt_bench_ref3', other: 'tt_bench_api2' } as const;
type Target = keyof typeof USERS;
const TARGETS: readonly Target[] = args.compare ? ['api', 'fixed', 'mapped', 'hono', 'other'] : ['api', 'fixed', 'mapped', 'hono'];
const LABEL: Record<Target, string> = {
  api: 'tenantry api',
  fixed: 'ref 1: fixed db',
  mapped: 'ref 2: mapped db',
  hono: 'ref 3: hono floor',
  other: 'api (--compare)',
};
const tenantName = benchTenant;
const RATE = args.rate === undefined ? undefined : Number(args.rate);
if (RATE !== undefined && !(Number.isInteger(RATE) && RATE > 0)) throw new Error(`--rate must be a positive whole number of requests a second, not "${args.rate}"`);
const MAX_CONNECTIONS = Number(args['max-connections']);
const SLICES = Number(args.slices);
if (!(Number.isInteger(SLICES) && SLICES > 0)) throw new Error(`--slices must be a positive whole number, not "${args.slices}"`);
const SLICE_SECONDS = Number(args.duration) / SLICES;
const SETTLE = Number(args.settle);
const REGISTRY_CONNECTIONS = 4;
/** MariaDB's process, for its CPU time per request (when it runs on this machine). */
const DB_PID = databaseServerPid();

const SETTINGS = {
  default: { table_definition_cache: 400, table_open_cache: 2000, innodb_buffer_pool_size: 128 * 1024 * 1024 },
  tuned: { table_definition_cache: 20000, table_open_cache: 20000, innodb_buffer_pool_size: 512 * 1024 * 1024 },
} as const;
type SettingsName = keyof typeof SETTINGS;

async function applySettings(name: SettingsName) {
  await withRoot(async (conn) => {
    for (const [variable, value] of Object.entries(SETTINGS[name])) await conn.query(`set global ${variable} = ${value}`);
    // The buffer pool resizes in the background; wait until it reports the new size.
    for (let i = 0; i < 100; i++) {
      const [rows] = await conn.query("show global status like 'Innodb_buffer_pool_resize_status'");
      const status = String((rows as Array<{ Value: string }>)[0]?.Value ?? '');
      if (!/resizing|started/i.test(status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}

async function serverVariables() {
  return withRoot(async (conn) => {
    const [rows] = await conn.query(
      "show global variables where variable_name in ('table_definition_cache','table_open_cache','innodb_buffer_pool_size','version')",
    );
    return Object.fromEntries((rows as Array<{ Variable_name: string; Value: string }>).map((r) => [r.Variable_name, r.Value]));
  });
}

async function provision(count: number, apiUrl: string) {
  const tenancy = createTenancy(product, { settings: loadConfig({ DATABASE_URL: `${apiUrl}/${REGISTRY}`, TENANCY_DB_PREFIX: PREFIX, TENANCY_MAX_CONNECTIONS: '16' }), runtime: nodeRuntime() });
  try {
    await tenancy.registry.migrate();
    const existing = new Set<string>();
    for await (const record of tenancy.registry.all({ status: 'active' })) existing.add(record.name);
    const missing = Array.from({ length: count }, (_, i) => tenantName(i)).filter((n) => !existing.has(n));
    if (missing.length === 0) return { created: 0, seconds: 0 };
    console.log(`provisioning ${missing.length} tenants (${existing.size} already there)...`);
    const started = performance.now();
    let done = 0;
    const results = await tenancy.provisioner.createMany(missing, {
      concurrency: 8,
      onResult: (r) => {
        if (++done % 1000 === 0) console.log(`  ${done}/${missing.length}`);
        if (r.status === 'failed') console.log(`  ${r.tenant} failed: ${r.error?.message}`);
      },
    });
    const created = results.filter((r) => r.status === 'created');
    const seconds = (performance.now() - started) / 1000;
    // A few users each; the references read the same rows.
    await Promise.all(
      created.map(async (r) => {
        const db = tenancy.connections.forTenant(r.record!);
        await db.insertInto('users').values([{ username: `${r.tenant}-a` }, { username: `${r.tenant}-b` }, { username: `${r.tenant}-c` }]).execute();
      }),
    );
    return { created: created.length, seconds };
  } finally {
    await tenancy.destroy();
  }
}

async function cleanup(apiUrl: string) {
  const tenancy = createTenancy(product, { settings: loadConfig({ DATABASE_URL: `${apiUrl}/${REGISTRY}`, TENANCY_DB_PREFIX: PREFIX }), runtime: nodeRuntime() });
  await withRoot(async (conn) => {
    const [rows] = await conn.query('select schema_name as n from information_schema.schemata where schema_name like ?', [
      `${PREFIX.replace(/_/g, '\\_')}%`,
    ]);
    for (const { n } of rows as Array<{ n: string }>) await conn.query(`drop database \`${n}\``);
    await conn.query(`drop database if exists \`${REGISTRY}\``);
  });
  await tenancy.destroy();
  console.log('benchmark tenants and registry dropped');
}

function pathPicker(tenants: number, distribution: string): () => string {
  const paths = Array.from({ length: tenants }, (_, i) => `/${tenantName(i)}/users`);
  if (distribution === 'uniform') return () => paths[Math.floor(Math.random() * tenants)]!;
  // Skewed: 80% of requests go to 10 hot tenants, the rest spread over the long tail.
  const hot = Math.min(10, tenants);
  return () => (Math.random() < 0.8 ? paths[Math.floor(Math.random() * hot)]! : paths[Math.floor(Math.random() * tenants)]!);
}

/** Every tenant in turn, from the first: a warm-up that leaves no tenant cold. */
function everyTenant(tenants: number): () => string {
  let next = 0;
  return () => `/${tenantName(next++ % tenants)}/users`;
}

/** Load for `seconds`, or for `amount` requests when given. */
async function load(port: number, seconds: number, connections: number, pick: () => string, amount?: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    ...(amount === undefined ? { duration: seconds, ...(RATE ? { overallRate: RATE } : {}) } : { amount }),
    requests: [{ method: 'GET', setupRequest: (req: { path?: string }) => ({ ...req, path: pick() }) }],
  } as autocannon.Options);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

interface Row {
  scenario: string;
  settings: SettingsName;
  target: Target;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  maxConnections: number;
  /** The server's own CPU time per request, in microseconds: less noisy than req/s on a shared machine. */
  cpuUs: number;
  /** The part of cpuUs spent in the kernel (system time). */
  sysUs: number;
  /** MariaDB's CPU time per request of this server (NaN when MariaDB is not on this machine). */
  dbUs: number;
  peakRssMiB?: number;
  /** req/s against refs 1, 2 and 3: the median of the runs' own ratios. */
  vs: { fixed: number; mapped: number; hono: number };
  runs: Array<{ rps: number; p50: number; p99: number; errors: number; maxConnections: number; cpuUs: number; sysUs: number; dbUs: number }>;
}

async function startTargets(urls: Record<Target, string>): Promise<Partial<Record<Target, Started>>> {
  const env = { TENANCY_DB_PREFIX: PREFIX, PREFIX, MAX_CONNECTIONS: String(MAX_CONNECTIONS), PORT: '0' };
  const reference = (mode: Exclude<Target, 'api' | 'other'>) =>
    startServer(process.execPath, ['--import', 'tsx', join(HERE, 'reference-server.ts')], { ...env, MODE: mode, BENCH_MYSQL_URL: urls[mode] }, /listening (\d+)/);
  const api = (checkout: string, url: string) =>
    startServer(process.execPath, [join(checkout, 'apps/api/dist/runtimes/node.js')], {
      ...env,
      DATABASE_URL: `${url}/${REGISTRY}`,
      TENANCY_MAX_CONNECTIONS: String(MAX_CONNECTIONS),
    }, /(?:listening|port)\D{0,40}(\d{2,5})/i);
  const started = await Promise.all(
    TARGETS.map((target) =>
      target === 'api' ? api(REPO, urls.api) : target === 'other' ? api(resolve(args.compare!), urls.other) : reference(target),
    ),
  );
  return Object.fromEntries(TARGETS.map((target, i) => [target, started[i]]));
}

async function scenario(name: string, tenants: number, distribution: string, settings: SettingsName, urls: Record<Target, string>, sampler: mysql.Connection): Promise<Row[]> {
  await applySettings(settings);
  const servers = await startTargets(urls);
  const pick = pathPicker(tenants, distribution);
  const connections = Number(args.connections);
  const rows: Row[] = TARGETS.map((target) => ({ scenario: name, settings, target, rps: 0, p50: 0, p99: 0, errors: 0, maxConnections: 0, cpuUs: 0, sysUs: 0, dbUs: 0, vs: { fixed: 0, mapped: 0, hono: 0 }, runs: [] }));
  try {
    // Warm-up: one request to every tenant, then the scenario's own load. The runs measure the
    // steady state; what a tenant's first request costs is measured on its own (coldProbe).
    for (const target of TARGETS) {
      await load(servers[target]!.port, 0, connections, everyTenant(tenants), Math.max(tenants, connections));
      await load(servers[target]!.port, Number(args.warmup), connections, pick);
    }
    for (let run = 1; run <= Number(args.runs); run++) {
      // A run gives each server `--duration` seconds of load in `--slices` slices, the servers
      // taking turns slice by slice, each slice starting one server further on: the machine's
      // speed drifts by a third within a minute, and a server measured in one block of the run
      // caught a different machine from the others. Sliced, each server's run spans the whole
      // run, so a drift falls on every server alike.
      const totals = TARGETS.map(() => ({ requests: 0, seconds: 0, errors: 0, most: 0, cpu: 0, sys: 0, db: 0, p50: [] as number[], p99: [] as number[] }));
      for (let slice = 0; slice < SLICES; slice++) {
        for (let k = 0; k < TARGETS.length; k++) {
          const i = (k + run - 1 + slice) % TARGETS.length;
          const target = TARGETS[i]!;
          const t = totals[i]!;
          let sampling = true;
          const sampling$ = (async () => {
            while (sampling) {
              t.most = Math.max(t.most, (await connectionsByUser(sampler, [USERS[target]]))[USERS[target]]!);
              await new Promise((r) => setTimeout(r, 100));
            }
          })();
          // A server sits idle while the others take their slices, and its first second of load
          // after that costs more CPU a request (20 to 100% after 40 s idle) and finds tenant-cache
          // entries expired that a server under steady load keeps renewed. So each slice starts
          // with `--settle` seconds of the same load, unmeasured except for its errors and
          // connections: the slices measure the steady state the warm-up is there for.
          const settle = SETTLE > 0 ? await load(servers[target]!.port, SETTLE, connections, pick) : { errors: 0 };
          const cpuBefore = servers[target]!.cpuTimes();
          const dbBefore = DB_PID === undefined ? undefined : processCpuTimes(DB_PID);
          const started = performance.now();
          const measured = await load(servers[target]!.port, SLICE_SECONDS, connections, pick);
          t.seconds += (performance.now() - started) / 1000;
          const cpuAfter = servers[target]!.cpuTimes();
          const dbAfter = DB_PID === undefined ? undefined : processCpuTimes(DB_PID);
          sampling = false;
          await sampling$;
          t.requests += measured.requests;
          t.errors += measured.errors + settle.errors;
          t.cpu += cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
          t.sys += cpuAfter.system - cpuBefore.system;
          // MariaDB's time includes the sampler's one query every 100 ms: the same for every server.
          t.db += dbBefore && dbAfter ? dbAfter.user + dbAfter.system - dbBefore.user - dbBefore.system : Number.NaN;
          t.p50.push(measured.p50);
          t.p99.push(measured.p99);
        }
      }
      for (let i = 0; i < TARGETS.length; i++) {
        const t = totals[i]!;
        const perRequest = (seconds: number) => (seconds * 1e6) / Math.max(1, t.requests);
        // Latency percentiles are the median of the slices' own (autocannon gives no histogram to merge).
        const result = { rps: t.requests / t.seconds, p50: median(t.p50), p99: median(t.p99), errors: t.errors, maxConnections: t.most, cpuUs: perRequest(t.cpu), sysUs: perRequest(t.sys), dbUs: perRequest(t.db) };
        rows[i]!.runs.push(result);
        console.log(`  ${name} [${settings}] run ${run} ${LABEL[TARGETS[i]!].padEnd(17)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors}  connections ${result.maxConnections}  cpu ${result.cpuUs.toFixed(0)} µs/req (sys ${result.sysUs.toFixed(0)})  mariadb ${result.dbUs.toFixed(0)} µs/req`);
      }
    }
  } finally {
    for (const row of rows) if (row.target === 'api' || row.target === 'other') row.peakRssMiB = servers[row.target]!.peakRssMiB();
    await Promise.all(Object.values(servers).map((s) => s!.stop()));
  }
  // A ratio is taken within each run, where the servers took turns on the same machine, and
  // the median of those is given: a run on a slower machine lowers both sides of its ratio.
  const vs = (row: Row, target: Target) => {
    const ref = rows.find((r) => r.target === target)!;
    return median(row.runs.map((run, j) => run.rps / ref.runs[j]!.rps));
  };
  for (const row of rows) {
    row.rps = median(row.runs.map((r) => r.rps));
    row.p50 = median(row.runs.map((r) => r.p50));
    row.p99 = median(row.runs.map((r) => r.p99));
    row.cpuUs = median(row.runs.map((r) => r.cpuUs));
    row.sysUs = median(row.runs.map((r) => r.sysUs));
    row.dbUs = median(row.runs.map((r) => r.dbUs));
    row.errors = row.runs.reduce((sum, r) => sum + r.errors, 0);
    row.maxConnections = Math.max(...row.runs.map((r) => r.maxConnections));
    row.vs = { fixed: vs(row, 'fixed'), mapped: vs(row, 'mapped'), hono: vs(row, 'hono') };
  }
  return rows;
}

/** Statements a tenant's first request sends to MySQL, against a warm one (Questions deltas on a quiet server). */
async function coldProbe(urls: Record<Target, string>, tenants: number) {
  const api = await startServer(process.execPath, [join(REPO, 'apps/api/dist/runtimes/node.js')], {
    DATABASE_URL: `${urls.api}/${REGISTRY}`, TENANCY_DB_PREFIX: PREFIX, PORT: '0',
  }, /(?:listening|port)\D{0,40}(\d{2,5})/i);
  try {
    return await withRoot(async (conn) => {
      const questions = async () => {
        const [rows] = await conn.query("show global status like 'Questions'");
        return Number((rows as Array<{ Value: string }>)[0]?.Value);
      };
      const get = async (path: string) => {
        const started = performance.now();
        const res = await fetch(`http://127.0.0.1:${api.port}${path}`);
        await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
        return performance.now() - started;
      };
      // Open the pools first, so connection set-up is not counted as a tenant's cost.
      await get(`/${tenantName(0)}/users`);
      const cold: number[] = [];
      const warm: number[] = [];
      const coldMs: number[] = [];
      const warmMs: number[] = [];
      const idle: number[] = [];
      for (let i = 1; i <= 20; i++) {
        const path = `/${tenantName(i % tenants)}/users`; // a fresh process: each of these is cold
        let before = await questions();
        idle.push((await questions()) - before); // what one SHOW STATUS adds by itself
        before = await questions();
        coldMs.push(await get(path));
        cold.push((await questions()) - before);
        before = await questions();
        warmMs.push(await get(path));
        warm.push((await questions()) - before);
      }
      const overhead = median(idle); // the SHOW STATUS itself
      return {
        coldStatements: median(cold) - overhead,
        warmStatements: median(warm) - overhead,
        coldMs: median(coldMs),
        warmMs: median(warmMs),
      };
    });
  } finally {
    await api.stop();
  }
}

async function main() {
  const urls = {
    api: await ensureUser(USERS.api, PASSWORD),
    fixed: await ensureUser(USERS.fixed, PASSWORD),
    mapped: await ensureUser(USERS.mapped, PASSWORD),
    hono: await ensureUser(USERS.hono, PASSWORD),
    other: args.compare ? await ensureUser(USERS.other, PASSWORD) : '',
  };
  if (args.cleanup) return cleanup(urls.api);
  const sizes = args.tenants!.split(',').map(Number);
  const largest = Math.max(...sizes);
  const provisioning = await provision(largest, urls.api);
  if (args['provision-only']) {
    console.log(provisioning);
    return;
  }
  const before = await serverVariables();
  const settingsList: SettingsName[] = args.settings === 'both' ? ['default', 'tuned'] : [args.settings as SettingsName];
  const rows: Row[] = [];
  const sampler = await mysql.createConnection(ROOT_URL);
  try {
    for (const n of sizes) {
      for (const distribution of n > 2 ? args.distribution!.split(',') : ['uniform']) {
        for (const settings of n > 2 ? settingsList : (['default'] as SettingsName[])) {
          const name = `${n} tenants, ${distribution}`;
          console.log(`${name}, ${settings} server settings`);
          rows.push(...(await scenario(name, n, distribution, settings, urls, sampler)));
        }
      }
    }
  } finally {
    await sampler.end();
    await applySettings('default');
  }
  const probe = await coldProbe(urls, largest);

  const table = [
    `| scenario | MariaDB settings | server | req/s | p50 ms | p99 ms | errors | max server connections | CPU µs/req (sys) | MariaDB CPU µs/req | vs ref 1 | vs ref 2 | vs ref 3 |`,
    `| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (let i = 0; i < rows.length; i += TARGETS.length) {
    for (const row of rows.slice(i, i + TARGETS.length)) {
      table.push(
        `| ${row.scenario} | ${row.settings} | ${LABEL[row.target]} | ${row.rps.toFixed(0)} | ${row.p50} | ${row.p99} | ${row.errors} | ${row.maxConnections} | ${row.cpuUs.toFixed(0)} (${row.sysUs.toFixed(0)}) | ${Number.isNaN(row.dbUs) ? '–' : row.dbUs.toFixed(0)} | ${row.vs.fixed.toFixed(2)} | ${row.vs.mapped.toFixed(2)} | ${row.vs.hono.toFixed(2)} |`,
      );
    }
  }
  const rss = (target: Target) => rows.filter((r) => r.target === target).map((r) => `${r.scenario} [${r.settings}]: ${r.peakRssMiB?.toFixed(0)} MiB`);
  const summary = [
    `Medians of ${args.runs} runs of ${args.duration} s a server, ${args.connections} connections, autocannon in the same process as the harness. Each run cut every server's ${args.duration} s into ${SLICES} slices taken in turn; req/s, CPU and connections are the run's whole, p50 and p99 the medians of the slices' own, and the "vs" columns the medians of the runs' own ratios. Each server was first warmed with one request to every tenant and ${args.warmup} s of the scenario's load, and each slice began with ${args.settle} s of the same load, unmeasured but for its errors and connections.`,
    `TENANCY_MAX_CONNECTIONS=${MAX_CONNECTIONS} (+${REGISTRY_CONNECTIONS} registry); references use one pool of ${MAX_CONNECTIONS}. Servers run one process each; the load generator shares the 2 cores with them and MariaDB.`,
    `"CPU µs/req (sys)": the server process's CPU time (all threads, user + system; the system part in brackets) per request answered. "MariaDB CPU µs/req": MariaDB's CPU time during that server's slices per request it answered (the connection sampler's query every 100 ms included, the same for every server).`,
    `API peak RSS: ${rss('api').join('; ')}.`,
    ...(RATE ? [`A fixed load of ${RATE} requests a second per server (--rate), not saturation: the req/s ratios are about 1 by construction, compare CPU µs/req.`] : []),
    ...(args.compare ? [`"api (--compare)" is the API built in ${args.compare}; its peak RSS: ${rss('other').join('; ')}.`] : []),
    `First request for a tenant: ${probe.coldStatements} statements, ${probe.coldMs.toFixed(2)} ms; warm: ${probe.warmStatements} statements, ${probe.warmMs.toFixed(2)} ms (medians of 20).`,
    provisioning.created ? `Provisioned ${provisioning.created} tenants in ${provisioning.seconds.toFixed(1)} s (${(provisioning.created / provisioning.seconds).toFixed(0)}/s, concurrency 8).` : `Tenants reused from an earlier run.`,
    `MariaDB ${before.version}; "default" = table_definition_cache 400, table_open_cache 2000, buffer pool 128 MiB; "tuned" = 20000, 20000, 512 MiB.`,
  ];
  const markdown = `${table.join('\n')}\n\n${summary.map((s) => `- ${s}`).join('\n')}\n`;
  console.log(`\n${markdown}`);
  const out = join(HERE, '../results');
  mkdirSync(out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(out, `http-${stamp}.json`), JSON.stringify({ args, rows, probe, provisioning, server: before }, null, 2));
  writeFileSync(join(out, 'latest.md'), markdown);
  console.log(`results: bench/results/http-${stamp}.json and bench/results/latest.md`);
}

await main();
process.exit(0);
