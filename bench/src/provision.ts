/**
 * How fast can Tenantry provision tenants on MariaDB? Creates N tenants (database, migrations,
 * registry row) under a throwaway prefix, C at a time, then removes them.
 * Usage: pnpm --filter @tenantry/bench bench:provision [-- N [C]]
 */
import { createTenancy, loadConfig } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import product from '@tenantry/api/product';
import { cliArgs, withRoot } from './support.js';

const [n = '1000', c = '16'] = cliArgs();
const N = Number(n);
const C = Number(c);
const PREFIX = `bench_prov_${Math.random().toString(36).slice(2, 6)}_`;
const REGISTRY = `${PREFIX}registry`;
const url = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

const tenancy = createTenancy(product, { settings: loadConfig({ DATABASE_URL: `${url}/${REGISTRY}`, TENANCY_DB_PREFIX: PREFIX, TENANCY_MAX_CONNECTIONS: String(C + 2) }), runtime: nodeRuntime() });
try {
  await tenancy.registry.migrate();
  const names = Array.from({ length: N }, (_, i) => `p${i}`);
  const started = performance.now();
  const results = await tenancy.provisioner.createMany(names, { concurrency: C });
  const seconds = (performance.now() - started) / 1000;
  const failed = results.filter((r) => r.status === 'failed');
  console.log(`provisioned ${N - failed.length}/${N} tenants in ${seconds.toFixed(1)} s: ${(N / seconds).toFixed(0)} tenants/s, concurrency ${C}`);
  if (failed.length) console.log('first failure:', failed[0]?.error);
} finally {
  await tenancy.destroy();
  await withRoot(async (conn) => {
    const [rows] = await conn.query('select schema_name as n from information_schema.schemata where schema_name like ?', [`${PREFIX.replace(/_/g, '\\_')}%`]);
    for (const { n } of rows as Array<{ n: string }>) await conn.query(`drop database \`${n}\``);
  });
}
