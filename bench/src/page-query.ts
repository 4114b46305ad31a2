/**
 * What `GET /users`'s query costs MariaDB itself: its CPU time per query (read from /proc, so
 * MariaDB must run on this machine), for a few forms of the SELECT, over the benchmark tenants'
 * databases (`pnpm bench -- --provision-only --tenants N` makes them), a random one per query,
 * 20 queries in flight on one pool of 10. The forms run in turn, the order rotated each round.
 *   ref          what the references send: `select username ... order by id`
 *   first-page   what the API sends for a first page: `select id, username ... order by id limit 1000`
 *   range        the same with `where id > 0` (the API's first page before 2026-11-26)
 *   ref-range    the reference's query with `where id > 0`
 * Usage: pnpm --filter @tenantry/bench bench:page-query [-- --tenants 10000 --queries 8000 --rounds 6]
 */
import { parseArgs } from 'node:util';
import mysql from 'mysql2';
import { BENCH_PREFIX, ROOT_URL, benchTenant, cliArgs, databaseServerPid, median, processCpuTimes } from './support.js';

const { values: args } = parseArgs({
  args: cliArgs(),
  options: {
    tenants: { type: 'string', default: '10000' },
    queries: { type: 'string', default: '8000' },
    rounds: { type: 'string', default: '6' },
  },
});
const TENANTS = Number(args.tenants);
const QUERIES = Number(args.queries);
const ROUNDS = Number(args.rounds);
const DB_PID = databaseServerPid();
if (DB_PID === undefined) throw new Error('MariaDB (or MySQL) does not run on this machine: its CPU time cannot be read');

const FORMS: Record<string, (db: string) => string> = {
  ref: (db) => `select username from \`${db}\`.users order by id`,
  'first-page': (db) => `select \`id\`, \`username\` from \`${db}\`.\`users\` order by \`id\` limit 1000`,
  range: (db) => `select \`id\`, \`username\` from \`${db}\`.\`users\` where \`id\` > 0 order by \`id\` limit 1000`,
  'ref-range': (db) => `select username from \`${db}\`.users where id > 0 order by id`,
};

const pool = mysql.createPool({ uri: ROOT_URL, connectionLimit: 10 });
const query = (text: string) => new Promise<void>((resolve, reject) => pool.query(text, (error) => (error ? reject(error) : resolve())));
const database = () => BENCH_PREFIX + benchTenant(Math.floor(Math.random() * TENANTS));

/** MariaDB's CPU µs per query and this process's, for `count` queries of one form. */
async function measure(form: (db: string) => string, count: number) {
  let sent = 0;
  const db0 = processCpuTimes(DB_PID!);
  const own = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (sent < count) {
        sent++;
        await query(form(database()));
      }
    }),
  );
  const db1 = processCpuTimes(DB_PID!);
  const used = process.cpuUsage(own);
  return { mariadbUs: ((db1.user + db1.system - db0.user - db0.system) * 1e6) / count, clientUs: (used.user + used.system) / count };
}

const names = Object.keys(FORMS);
for (const name of names) await measure(FORMS[name]!, Math.min(QUERIES, 5000)); // warm-up: tables opened, code hot
const results: Record<string, Array<{ mariadbUs: number; clientUs: number }>> = Object.fromEntries(names.map((n) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < names.length; k++) {
    const name = names[(k + round) % names.length]!;
    results[name]!.push(await measure(FORMS[name]!, QUERIES));
  }
}
console.log(`MariaDB CPU per query over ${TENANTS} tenant databases, medians of ${ROUNDS} rounds of ${QUERIES} queries:`);
console.log('| form | MariaDB µs/query | client µs/query | MariaDB, each round |');
console.log('| --- | ---: | ---: | --- |');
for (const name of names) {
  const runs = results[name]!;
  console.log(
    `| ${name} | ${median(runs.map((r) => r.mariadbUs)).toFixed(1)} | ${median(runs.map((r) => r.clientUs)).toFixed(1)} | ${runs.map((r) => r.mariadbUs.toFixed(0)).join(' ')} |`,
  );
}
pool.end();
