/**
 * Does Kysely's server-wide migration lock limit migrating many tenants on one server?
 * Migrates N fresh tenant databases, C at a time, three ways on one mysql2 pool:
 *   stock      Kysely's MysqlDialect: one GET_LOCK for the whole server, every schema listed
 *   stock-lock our single-schema introspection, Kysely's server-wide lock
 *   tenantry   our dialect: a lock per tenant database, single-schema introspection
 * Usage: pnpm --filter @tenantry/bench bench:migration-lock [-- N [C]]
 */
import { Kysely, MysqlAdapter, MysqlDialect, type MysqlPool, Migrator, sql } from 'kysely';
import mysql from 'mysql2';
import { TENANT_MIGRATION_LOCK_TABLE, TENANT_MIGRATION_TABLE, forEachConcurrent } from '@tenantry/tenancy';
import { SchemaScopedMysqlDialect } from '@tenantry/tenancy/mysql';
import { TENANT_MIGRATIONS } from '@tenantry/api/product';
import { cliArgs } from './support.js';

const [n = '200', c = '8'] = cliArgs();
const N = Number(n);
const C = Number(c);
const URL_ = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const PREFIX = 'bench_lock_';

class StockLockDialect extends SchemaScopedMysqlDialect {
  override createAdapter() {
    return new MysqlAdapter();
  }
}

const variants: Record<string, (pool: MysqlPool, db: string) => Kysely<any>> = {
  stock: (pool, db) => new Kysely<any>({ dialect: new MysqlDialect({ pool }) }).withSchema(db),
  'stock-lock': (pool, db) => new Kysely<any>({ dialect: new StockLockDialect({ pool }, db) }).withSchema(db),
  tenantry: (pool, db) => new Kysely<any>({ dialect: new SchemaScopedMysqlDialect({ pool }, db) }).withSchema(db),
};

const u = new URL(URL_);
const pool = mysql.createPool({
  host: u.hostname,
  port: Number(u.port || 3306),
  user: decodeURIComponent(u.username),
  password: decodeURIComponent(u.password),
  connectionLimit: C + 2,
}) as unknown as MysqlPool;
const admin = new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
const names = Array.from({ length: N }, (_, i) => `${PREFIX}${String(i).padStart(5, '0')}`);

async function dropAll() {
  const { rows } = await sql<{ n: string }>`select schema_name as n from information_schema.schemata where schema_name like ${PREFIX.replace(/_/g, '\\_') + '%'}`.execute(admin);
  await forEachConcurrent(rows, 4, async ({ n }) => {
    await sql`drop database ${sql.id(n)}`.execute(admin);
  });
}

const results: Array<{ variant: string; seconds: number; perSecond: number }> = [];
const { rows: schemata } = await sql<{ n: number }>`select count(*) as n from information_schema.schemata`.execute(admin);
console.log(`migrating ${N} tenant databases, concurrency ${C}, ${schemata[0]?.n} schemata on the server`);
for (const round of [1, 2]) {
  for (const [variant, make] of Object.entries(variants)) {
    await dropAll();
    await forEachConcurrent(names, 8, async (db) => {
      await sql`create database ${sql.id(db)}`.execute(admin);
    });
    const started = performance.now();
    let failed = 0;
    await forEachConcurrent(names, C, async (db) => {
      const migrator = new Migrator({
        db: make(pool, db),
        provider: { getMigrations: async () => TENANT_MIGRATIONS },
        migrationTableName: TENANT_MIGRATION_TABLE,
        migrationLockTableName: TENANT_MIGRATION_LOCK_TABLE,
        migrationTableSchema: db,
      });
      const { error } = await migrator.migrateToLatest();
      if (error) failed++;
    });
    const seconds = (performance.now() - started) / 1000;
    if (failed) throw new Error(`${variant}: ${failed} migrations failed`);
    if (round === 2) results.push({ variant, seconds, perSecond: N / seconds });
    console.log(`round ${round} ${variant.padEnd(10)} ${seconds.toFixed(2)} s  ${(N / seconds).toFixed(1)} tenants/s`);
  }
}
await dropAll();
await admin.destroy();

const tenantry = results.find((r) => r.variant === 'tenantry')!;
console.log('\n| variant | seconds | tenants/s | time vs tenantry |\n| --- | --- | --- | --- |');
for (const r of results) {
  console.log(`| ${r.variant} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(1)} | ${(r.seconds / tenantry.seconds).toFixed(2)}x |`);
}
