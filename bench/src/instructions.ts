/**
 * Instructions per request, counted by valgrind's callgrind: the API against reference 1 and
 * reference 3 (Hono with no tenancy), and optionally APIs built from other checkouts. Seconds on
 * this shared 2-core machine move by 30% from run to run; instruction counts of the same build move by a few percent, so this is
 * the measure to compare two builds of the request path with. It counts user-space
 * instructions only (not the kernel's socket work, not cache misses), 2 tenants (`--tenants`), keep-alive
 * requests from a plain node:http client with a fixed concurrency.
 * Each server runs under callgrind with instrumentation off; after a warm-up (so V8 has
 * compiled the hot code) it is switched on for the measured requests and the counts dumped.
 * "main" is the JavaScript thread; "all" adds V8's compiler and GC helper threads.
 * Usage: pnpm --filter @tenantry/bench bench:instructions [-- --requests 12000 --warmup 15000 --tenants 2 --compare ../other-checkout --keep]
 * Needs valgrind (callgrind_control) and the tenants of `pnpm bench -- --provision-only`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_PREFIX, BENCH_REGISTRY, type Started, benchTenant, cliArgs, ensureUser, startServer } from './support.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const { values: args } = parseArgs({
  args: cliArgs(),
  options: {
    requests: { type: 'string', default: '12000' },
    warmup: { type: 'string', default: '15000' },
    concurrency: { type: 'string', default: '10' },
    /** Tenants the requests go round (bench_t_00000 up); more than 2 measures what the tenant count adds. */
    tenants: { type: 'string', default: '2' },
    /** Other checkouts (built) whose APIs are measured beside this one; the flag may repeat. */
    compare: { type: 'string', multiple: true, default: [] },
    /** Keep callgrind's dumps (their folder is printed) for callgrind_annotate. */
    keep: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const TENANTS = Number(args.tenants);
if (!Number.isInteger(TENANTS) || TENANTS < 1) throw new Error(`--tenants must be a positive integer, got ${args.tenants}`);

/** `count` GET /:tenant/users over keep-alive connections, going round the tenants in turn. */
function drive(port: number, count: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let sent = 0;
  let done = 0;
  return new Promise<void>((resolve, reject) => {
    const one = () => {
      if (sent >= count) return;
      const path = `/${benchTenant(sent++ % TENANTS)}/users`;
      http
        .get({ host: '127.0.0.1', port, path, agent }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${path}: HTTP ${res.statusCode}`));
          res.resume().on('end', () => (++done === count ? resolve() : one()));
        })
        .on('error', reject);
    };
    for (let i = 0; i < CONCURRENCY; i++) one();
  }).finally(() => agent.destroy());
}

/** Callgrind's total of one dump file. */
const totalOf = (file: string) => Number(/^totals:\s+(\d+)/m.exec(readFileSync(file, 'utf8'))?.[1] ?? 0);

async function measure(label: string, command: string[], env: Record<string, string>, portPattern: RegExp) {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-callgrind-'));
  const valgrind = ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', '--separate-threads=yes', `--callgrind-out-file=${dir}/cg.%p`];
  let server: Started | undefined;
  try {
    server = await startServer('valgrind', [...valgrind, process.execPath, ...command], env, portPattern);
    await drive(server.port, Number(args.warmup));
    const pid = String(server.child.pid);
    execFileSync('callgrind_control', ['-i', 'on', pid], { stdio: 'ignore' });
    await drive(server.port, REQUESTS);
    execFileSync('callgrind_control', ['-i', 'off', pid], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
    // The dump: one file a thread, cg.<pid>.1-01 (the main thread), -02, ...
    const dumps = readdirSync(dir).filter((f) => /^cg\.\d+\.1-\d+$/.test(f));
    const main = dumps.filter((f) => f.endsWith('-01')).reduce((sum, f) => sum + totalOf(join(dir, f)), 0);
    const all = dumps.reduce((sum, f) => sum + totalOf(join(dir, f)), 0);
    return { label, main: main / REQUESTS, all: all / REQUESTS };
  } finally {
    await server?.stop();
    if (args.keep) console.log(`${label}: callgrind dumps kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const url = await ensureUser('tt_bench_api', 'bench-pw-1');
// Under valgrind a run takes minutes: the cache's entries outlive it, so every server does the same
// work a request (no registry reads after the warm-up, whose requests reach every tenant).
const apiEnv = { DATABASE_URL: `${url}/${BENCH_REGISTRY}`, TENANCY_DB_PREFIX: BENCH_PREFIX, TENANCY_MAX_CONNECTIONS: '10', PORT: '0', TENANCY_CACHE_TTL_MS: '3600000' };
const apiPort = /(?:listening|port)\D{0,40}(\d{2,5})/i;
const runs = [
  measure('tenantry api', [join(REPO, 'apps/api/dist/runtimes/node.js')], apiEnv, apiPort),
  measure('ref 1: fixed db', ['--import', 'tsx', join(HERE, 'reference-server.ts')], { MODE: 'fixed', PREFIX: BENCH_PREFIX, MAX_CONNECTIONS: '10', PORT: '0', BENCH_MYSQL_URL: url }, /listening (\d+)/),
  // Hono and @hono/node-server with one pool and no tenancy: the framework's share of the API's count.
  measure('ref 3: hono floor', ['--import', 'tsx', join(HERE, 'reference-server.ts')], { MODE: 'hono', PREFIX: BENCH_PREFIX, MAX_CONNECTIONS: '10', PORT: '0', BENCH_MYSQL_URL: url }, /listening (\d+)/),
];
for (const other of args.compare) runs.push(measure(`api at ${other}`, [join(resolve(other), 'apps/api/dist/runtimes/node.js')], apiEnv, apiPort));
// Instruction counts do not depend on what else runs, so the servers are measured side by side.
const results = await Promise.all(runs);
const ref = results[1]!;
console.log(`${REQUESTS} requests after ${args.warmup} of warm-up, ${CONCURRENCY} in flight, ${TENANTS} tenants`);
console.log('| server | instructions/request, main thread | all threads | main vs ref 1 |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of results) console.log(`| ${r.label} | ${r.main.toFixed(0)} | ${r.all.toFixed(0)} | ${(r.main / ref.main).toFixed(2)} |`);
process.exit(0);
