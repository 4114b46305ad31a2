import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseExistsError,
  DestroyedError,
  InvalidTenantNameError,
  RegistryUnavailableError,
  TenantDatabaseUnavailableError,
  TenantExistsError,
  TenantNotFoundError,
  TenantSuspendedError,
  Tenancy,
  databaseNameFor,
  loadConfig,
} from '../src/index.js';
import { createRegistry } from '../src/node.js';
import { TEST_DRIVERS, TcpProxy, type TestEnvironment, createTestEnvironment, withMysqlRoot } from '../src/testing/index.js';
import { NOTES_MIGRATIONS, type NotesDatabase } from './fixture-product.js';
import { HOSTILE_NAMES, countingRegistry, recordOf, sleep, tenantAsync, testTenancy } from './support.js';

/** One contract, every driver: the same behaviour on MySQL and on SQLite. */
describe.each(TEST_DRIVERS)('tenancy contract on %s', (driver) => {
  let environment: TestEnvironment;
  let tenancy: Tenancy<NotesDatabase>;

  beforeAll(async () => {
    environment = createTestEnvironment(driver, `contract${driver}`);
    tenancy = testTenancy(environment);
    await tenancy.registry.migrate();
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await environment?.cleanup();
  });

  const server = () => tenancy.connections.server('default');

  describe('registry', () => {
    it('init is idempotent', async () => {
      await tenancy.registry.migrate();
      await tenancy.registry.migrate();
      expect(await tenancy.registry.count()).toBeGreaterThanOrEqual(0);
    });

    it('names are unique case-insensitively and every write moves the generation', async () => {
      const created = await tenancy.provisioner.create('CaseCo');
      expect(created).toMatchObject({ name: 'CaseCo', status: 'active', schemaVersion: 1, server: 'default' });
      expect(created.database).toBe(databaseNameFor('CaseCo', environment.prefix));
      await expect(tenancy.provisioner.create('caseco')).rejects.toBeInstanceOf(TenantExistsError);
      expect((await tenancy.registry.get('CASECO'))?.name).toBe('CaseCo');
      const suspended = await tenancy.provisioner.suspend('caseco');
      expect(suspended.generation).toBeGreaterThan(created.generation);
      const resumed = await tenancy.provisioner.resume('CaseCo');
      expect(resumed.generation).toBeGreaterThan(suspended.generation);
      await tenancy.provisioner.delete('CaseCo');
    });

    it('lists every tenant page by page, in name order', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `page${i}`);
      await tenancy.provisioner.createMany(names, { concurrency: 4 });
      const seen: string[] = [];
      for await (const record of tenancy.registry.all({ limit: 3 })) if (record.name.startsWith('page')) seen.push(record.name);
      expect(seen).toEqual(names);
      for (const name of names) await tenancy.provisioner.delete(name);
    });
  });

  describe('provisioning life cycle', () => {
    it('create, use, suspend, resume, delete', async () => {
      const record = await tenancy.provisioner.create('Lifecycle');
      expect(await server().databaseExists(record.database)).toBe(true);

      const { db } = await tenancy.tenant('Lifecycle');
      await db.insertInto('notes').values([{ title: 'userA' }, { title: 'userB' }]).execute();
      const rows = await db.selectFrom('notes').select('title').orderBy('id').execute();
      expect(rows.map((r) => r.title)).toEqual(['userA', 'userB']);

      await tenancy.provisioner.suspend('Lifecycle');
      await expect(tenantAsync(tenancy, 'Lifecycle')).rejects.toBeInstanceOf(TenantSuspendedError);
      await tenancy.provisioner.resume('Lifecycle');
      expect((await recordOf(tenancy, 'Lifecycle')).status).toBe('active');

      await tenancy.provisioner.delete('Lifecycle');
      expect(await server().databaseExists(record.database)).toBe(false);
      expect(await tenancy.registry.get('Lifecycle')).toBeUndefined();
      await expect(recordOf(tenancy, 'Lifecycle')).rejects.toBeInstanceOf(TenantNotFoundError);
    });

    it('re-running a create that stopped half way completes it', async () => {
      const database = databaseNameFor('HalfDone', environment.prefix);
      // What a crash right after the registry insert leaves behind.
      await tenancy.registry.insert({ name: 'HalfDone', database, server: 'default' });
      await expect(recordOf(tenancy, 'HalfDone')).rejects.toMatchObject({ code: 'tenant_unavailable' });
      const record = await tenancy.provisioner.create('HalfDone');
      expect(record.status).toBe('active');
      expect(await server().databaseExists(database)).toBe(true);
      expect(await tenancy.migrator.pending(record)).toEqual([]);
      await tenancy.provisioner.delete('HalfDone');
    });

    it('refuses to take over an existing database unless told to adopt it', async () => {
      const database = databaseNameFor('Squatter', environment.prefix);
      await server().createDatabase(database);
      await expect(tenancy.provisioner.create('Squatter')).rejects.toBeInstanceOf(DatabaseExistsError);
      expect(await tenancy.registry.get('Squatter')).toBeUndefined();
      await server().dropDatabase(database);
    });

    it('adopts a database that already holds a tenant, like the original TenantA', async () => {
      const database = `${environment.prefix}Original`;
      await server().createDatabase(database);
      const raw = server().database(database);
      await raw.schema
        .createTable('notes')
        .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
        .addColumn('title', 'varchar(100)', (c) => c.notNull())
        .execute();
      await raw.insertInto('notes').values([{ title: 'userA' }, { title: 'userB' }]).execute();

      const record = await tenancy.provisioner.create('TenantA', { database, adopt: true });
      expect(record).toMatchObject({ database, status: 'active', schemaVersion: 1 });
      const { db } = await tenancy.tenant('TenantA');
      expect((await db.selectFrom('notes').select('title').orderBy('id').execute()).map((r) => r.title)).toEqual([
        'userA',
        'userB',
      ]);
      await tenancy.provisioner.delete('TenantA', { keepDatabase: true });
      expect(await server().databaseExists(database)).toBe(true);
      await server().dropDatabase(database);
    });

    it('bulk create reports one result per name and goes on after a failure', async () => {
      const results = await tenancy.provisioner.createMany(['bulk1', 'bad name', 'bulk2', 'bulk1'], { concurrency: 2 });
      const byStatus = (status: string) => results.filter((r) => r.status === status).map((r) => r.tenant).sort();
      expect(results).toHaveLength(4);
      expect(byStatus('created')).toEqual(['bulk1', 'bulk2']);
      expect(results.filter((r) => r.status === 'failed').map((r) => r.error?.code).sort()).toEqual([
        'invalid_tenant_name',
        'tenant_exists',
      ]);
      for (const name of ['bulk1', 'bulk2']) await tenancy.provisioner.delete(name);
    });

    it('concurrent creates of one name: one wins, the others are told it exists', async () => {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => tenancy.provisioner.create('contested')));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(TenantExistsError);
      expect((await tenancy.registry.get('contested'))?.status).toBe('active');
      await tenancy.provisioner.delete('contested');
    });
  });

  describe('hostile names', () => {
    it('create nothing, anywhere', async () => {
      const before = await server().listDatabases(environment.prefix);
      const countBefore = await tenancy.registry.count();
      for (const name of HOSTILE_NAMES) {
        await expect(tenancy.provisioner.create(name), JSON.stringify(name)).rejects.toBeInstanceOf(InvalidTenantNameError);
        await expect(recordOf(tenancy, name), JSON.stringify(name)).rejects.toBeInstanceOf(InvalidTenantNameError);
      }
      // A server's own schema (`mysql`) is refused as in use: test/operator-safety.test.ts.
      for (const database of ['x`; drop database mysql; --', '../outside', 'a/b', 'a\0b', 'x'.repeat(65)]) {
        await expect(tenancy.provisioner.create('okname', { database, adopt: true })).rejects.toBeInstanceOf(
          InvalidTenantNameError,
        );
      }
      expect(await server().listDatabases(environment.prefix)).toEqual(before);
      expect(await tenancy.registry.count()).toBe(countBefore);
    });

    it('are rejected without a registry query', async () => {
      const registry = countingRegistry(createRegistry(loadConfig(environment.env).registry));
      const counted = testTenancy(environment, { registry });
      try {
        for (const name of HOSTILE_NAMES) await expect(recordOf(counted, name)).rejects.toBeInstanceOf(InvalidTenantNameError);
        expect(registry.gets).toBe(0);
      } finally {
        await counted.destroy();
      }
    });
  });

  describe('cache', () => {
    let registry: ReturnType<typeof countingRegistry>;
    let cached: Tenancy<NotesDatabase>;

    beforeAll(async () => {
      await tenancy.provisioner.create('cold');
      registry = countingRegistry(createRegistry(loadConfig(environment.env).registry));
      cached = testTenancy(environment, { registry, overrides: { cacheTtlMs: 60_000, negativeTtlMs: 300 } });
    });
    afterAll(async () => {
      await cached.destroy();
      await tenancy.provisioner.delete('cold');
    });

    /** A tenancy of its own whose entries, found and missing, live `ttlMs`, over a registry that counts its queries. */
    const shortCached = (ttlMs: number) => {
      const counting = countingRegistry(createRegistry(loadConfig(environment.env).registry));
      return { counting, short: testTenancy(environment, { registry: counting, overrides: { cacheTtlMs: ttlMs, negativeTtlMs: ttlMs } }) };
    };

    it('100 concurrent resolves of a cold tenant make one registry query', async () => {
      const before = registry.gets;
      const records = await Promise.all(Array.from({ length: 100 }, () => recordOf(cached, 'cold')));
      expect(new Set(records.map((r) => r.name))).toEqual(new Set(['cold']));
      expect(registry.gets - before).toBe(1);
      await recordOf(cached, 'COLD');
      expect(registry.gets - before).toBe(1);
    });

    it('tenant() answers a fresh entry at once and throws what it would reject with; a promise otherwise', async () => {
      const { counting, short } = shortCached(300);
      try {
        expect(() => short.tenant('no spaces allowed')).toThrow(InvalidTenantNameError);
        expect(counting.gets).toBe(0);
        // Never looked up: a promise, through the registry.
        const first = short.tenant('cold');
        expect(first).toBeInstanceOf(Promise);
        const viaPromise = await first;
        const { gets, versions } = counting;
        const hits = short.cache.stats.hits;
        const handle = short.tenant('COLD');
        expect(handle).not.toBeInstanceOf(Promise);
        // The handle is made once per cached record.
        expect(handle).toBe(viaPromise);
        expect(await viaPromise.db.selectFrom('notes').select('title').execute()).toEqual([]);
        expect(short.cache.stats.hits).toBe(hits + 1);

        await expect(tenantAsync(short, 'nobody')).rejects.toBeInstanceOf(TenantNotFoundError);
        expect(() => short.tenant('nobody')).toThrow(TenantNotFoundError);
        expect(counting.gets).toBe(gets + 1);

        await short.provisioner.suspend('cold');
        await expect(tenantAsync(short, 'cold')).rejects.toBeInstanceOf(TenantSuspendedError);
        expect(() => short.tenant('cold')).toThrow(TenantSuspendedError);
        await short.provisioner.resume('cold');
        // A record read again is a new handle, with the new record and the same database.
        const resumed = await short.tenant('cold');
        expect(resumed.tenant.status).toBe('active');
        expect(resumed).not.toBe(viaPromise);
        expect(resumed.db).toBe(viaPromise.db);

        // Expired, with no version read to confirm it: a promise again, which reads the version.
        await sleep(400);
        const expired = short.tenant('cold');
        expect(expired).toBeInstanceOf(Promise);
        expect((await expired).tenant.name).toBe('cold');
        expect(counting.versions).toBeGreaterThan(versions);
      } finally {
        await short.destroy();
      }
    });

    it('tenant() also answers at once an expired entry that the shared version read has just confirmed', async () => {
      // A 2 s TTL: one version read confirms what expires within 200 ms of its start.
      const { counting, short } = shortCached(2000);
      try {
        await short.tenant('cold');
        await expect(tenantAsync(short, 'ghost-peek')).rejects.toBeInstanceOf(TenantNotFoundError);
        await sleep(2050);
        // Expired, and no version read to confirm it: a promise, which reads the version.
        const expired = short.tenant('cold');
        expect(expired).toBeInstanceOf(Promise);
        expect((await expired).tenant.name).toBe('cold');
        const queries = { gets: counting.gets, versions: counting.versions };
        expect(queries).toEqual({ gets: 2, versions: 1 });
        // That answer confirms the other expired entry at once, without a promise or a query.
        expect(() => short.tenant('ghost-peek')).toThrow(TenantNotFoundError);
        expect(short.tenant('cold')).toMatchObject({ tenant: { name: 'cold' } });
        expect({ gets: counting.gets, versions: counting.versions }).toEqual(queries);
        expect(short.cache.stats.revalidated).toBe(2);

        // Another process's write moves the version: an expired entry is no longer confirmed by it.
        await tenancy.provisioner.suspend('cold');
        try {
          await sleep(2050);
          await expect(tenantAsync(short, 'ghost-peek')).rejects.toBeInstanceOf(TenantNotFoundError);
          expect(counting.versions).toBe(2);
          const moved = short.tenant('cold');
          expect(moved).toBeInstanceOf(Promise);
          await expect(moved).rejects.toBeInstanceOf(TenantSuspendedError);
          expect(counting.gets).toBe(4);
        } finally {
          await tenancy.provisioner.resume('cold');
        }
      } finally {
        await short.destroy();
      }
    });

    it('remembers unknown names briefly, then confirms them by the registry version', async () => {
      const before = registry.gets;
      await Promise.all(Array.from({ length: 50 }, () => expect(recordOf(cached, 'ghost')).rejects.toBeInstanceOf(TenantNotFoundError)));
      for (let i = 0; i < 20; i++) await expect(recordOf(cached, 'ghost')).rejects.toBeInstanceOf(TenantNotFoundError);
      expect(registry.gets - before).toBe(1);
      expect(cached.cache.stats.negativeHits).toBeGreaterThanOrEqual(20);
      await sleep(400);
      const versions = registry.versions;
      await expect(recordOf(cached, 'ghost')).rejects.toBeInstanceOf(TenantNotFoundError);
      // Expired: the registry's version was read, and it had not changed, so the row was not.
      expect(registry.versions - versions).toBe(1);
      expect(registry.gets - before).toBe(1);
      // Another process creates it: the version moves, and the next expiry reads the row.
      await tenancy.provisioner.create('ghost');
      try {
        await sleep(400);
        expect((await recordOf(cached, 'ghost')).status).toBe('active');
        expect(registry.gets - before).toBe(2);
      } finally {
        await tenancy.provisioner.delete('ghost');
      }
    });

    it('expired entries share their version reads, and see a write by another process', async () => {
      const { counting: shortLived, short } = shortCached(300);
      try {
        const unknown = Array.from({ length: 40 }, (_, i) => `nobody-${i}`);
        await Promise.all(unknown.map((n) => expect(recordOf(short, n)).rejects.toBeInstanceOf(TenantNotFoundError)));
        expect((await recordOf(short, 'cold')).status).toBe('active');
        expect(shortLived.gets).toBe(41);
        await sleep(350);
        await Promise.all([
          ...unknown.map((n) => expect(recordOf(short, n)).rejects.toBeInstanceOf(TenantNotFoundError)),
          expect(recordOf(short, 'cold')).resolves.toMatchObject({ status: 'active' }),
        ]);
        expect(shortLived.gets).toBe(41);
        expect(shortLived.versions).toBe(1);
        expect(short.cache.stats.revalidated).toBe(41);

        await tenancy.provisioner.suspend('cold');
        try {
          // Within the TTL the entry is trusted; after it, the changed version makes it read the row.
          await sleep(350);
          await expect(recordOf(short, 'cold')).rejects.toBeInstanceOf(TenantSuspendedError);
          expect(shortLived.gets).toBe(42);
        } finally {
          await tenancy.provisioner.resume('cold');
        }
      } finally {
        await short.destroy();
      }
    });

    it('entries that expire after the shared version read answered are kept by it, one by one', async () => {
      // A 2 s TTL: one version read serves what expires within 200 ms of its start.
      const { counting, short } = shortCached(2000);
      try {
        const unknown = Array.from({ length: 20 }, (_, i) => `nobody-${i}`);
        for (const n of unknown) await expect(recordOf(short, n)).rejects.toBeInstanceOf(TenantNotFoundError);
        expect((await recordOf(short, 'cold')).status).toBe('active');
        expect(counting.gets).toBe(21);
        await sleep(2050);
        // The first expired lookup reads the version; the others, one after another, are kept by
        // that answer: no row read, no second version read, the same answers.
        expect((await recordOf(short, 'cold')).status).toBe('active');
        for (const n of unknown) await expect(recordOf(short, n)).rejects.toBeInstanceOf(TenantNotFoundError);
        expect(counting.gets).toBe(21);
        expect(counting.versions).toBe(1);
        expect(short.cache.stats.revalidated).toBe(21);
        // Kept for the TTL from the version read: still cached without another query.
        expect((await recordOf(short, 'cold')).status).toBe('active');
        expect(counting.versions + counting.gets).toBe(22);

        // A write by another process moves the version: the next expired entries read their rows.
        await tenancy.provisioner.suspend('cold');
        try {
          await sleep(2050);
          await expect(recordOf(short, 'cold')).rejects.toBeInstanceOf(TenantSuspendedError);
          for (const n of unknown.slice(0, 3)) await expect(recordOf(short, n)).rejects.toBeInstanceOf(TenantNotFoundError);
          expect(counting.versions).toBe(2);
          expect(counting.gets).toBe(25);
        } finally {
          await tenancy.provisioner.resume('cold');
        }
      } finally {
        await short.destroy();
      }
    });

    it('reads a row again after ten TTLs even when the version never moves', async () => {
      const { counting, short } = shortCached(100);
      try {
        await recordOf(short, 'cold');
        expect(counting.gets).toBe(1);
        for (let i = 0; i < 5; i++) {
          await sleep(120);
          await recordOf(short, 'cold');
        }
        expect(counting.gets).toBe(1);
        await sleep(600);
        await recordOf(short, 'cold');
        expect(counting.gets).toBe(2);
      } finally {
        await short.destroy();
      }
    });

    it('a write through the library invalidates its entry at once', async () => {
      await expect(recordOf(cached, 'latecomer')).rejects.toBeInstanceOf(TenantNotFoundError);
      await cached.provisioner.create('latecomer');
      expect((await recordOf(cached, 'latecomer')).status).toBe('active');
      await cached.provisioner.suspend('latecomer');
      await expect(recordOf(cached, 'latecomer')).rejects.toBeInstanceOf(TenantSuspendedError);
      await cached.provisioner.delete('latecomer');
      await expect(recordOf(cached, 'latecomer')).rejects.toBeInstanceOf(TenantNotFoundError);
    });

    it('bounds memory under a flood of made-up names', async () => {
      const small = testTenancy(environment, { overrides: { cacheMax: 100 } });
      try {
        for (let i = 0; i < 500; i++) await expect(recordOf(small, `made-up-${i}`)).rejects.toBeInstanceOf(TenantNotFoundError);
        expect(small.cache.size).toBeLessThanOrEqual(100);
      } finally {
        await small.destroy();
      }
    });
  });

  it('serves known tenants from stale entries while the registry is unreachable', async () => {
    await tenancy.provisioner.create('steady');
    let proxy: TcpProxy | undefined;
    let env = environment.env;
    if (driver === 'mysql') {
      proxy = new TcpProxy('127.0.0.1', 3306);
      const port = await proxy.start();
      const registryUrl = new URL(environment.env.DATABASE_URL!);
      const serverUrl = new URL(registryUrl);
      serverUrl.pathname = '/';
      registryUrl.port = String(port);
      env = { ...env, DATABASE_URL: registryUrl.toString(), TENANCY_SERVERS: `default=${serverUrl.toString()}` };
    }
    const flaky = testTenancy(environment, { env, overrides: { cacheTtlMs: 100 } });
    try {
      expect((await recordOf(flaky, 'steady')).status).toBe('active');
      // The registry goes away: a proxy cut on MySQL, a closed registry on SQLite.
      if (proxy) await proxy.stop();
      else await flaky.registry.destroy();
      await sleep(200);
      const { tenant, db } = await flaky.tenant('steady');
      expect(tenant.name).toBe('steady');
      expect(await db.selectFrom('notes').select('id').execute()).toEqual([]);
      expect(flaky.cache.stats.staleServed).toBeGreaterThanOrEqual(1);
      await expect(recordOf(flaky, 'never-seen')).rejects.toBeInstanceOf(RegistryUnavailableError);
      await expect(flaky.registry.ping()).rejects.toBeInstanceOf(RegistryUnavailableError);
      if (proxy) {
        await proxy.start();
        await flaky.registry.ping();
        await expect(recordOf(flaky, 'never-seen')).rejects.toBeInstanceOf(TenantNotFoundError);
      }
    } finally {
      await flaky.destroy();
      await proxy?.stop();
      await tenancy.provisioner.delete('steady');
    }
  });

  it('a tenant database that cannot be reached is a typed error, and the pool recovers', async () => {
    if (driver === 'sqlite') {
      const record = await tenancy.provisioner.create('vanishing');
      await server().dropDatabase(record.database); // the file goes away behind the registry's back
      const { db } = await tenancy.tenant('vanishing');
      await expect(db.selectFrom('notes').selectAll().execute()).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
      await server().createDatabase(record.database);
      await tenancy.migrator.migrateTenant(record);
      expect(await db.selectFrom('notes').selectAll().execute()).toEqual([]);
      await tenancy.provisioner.delete('vanishing');
      return;
    }
    await tenancy.provisioner.create('restarting');
    const proxy = new TcpProxy('127.0.0.1', 3306);
    const port = await proxy.start();
    const cut = testTenancy(environment, { env: { TENANCY_SERVERS: `default=mysql://root@127.0.0.1:${port}` } });
    try {
      const { db } = await cut.tenant('restarting');
      await db.insertInto('notes').values({ title: 'before' }).execute();
      await proxy.stop(); // the server restarts: every pooled connection dies
      await expect(db.selectFrom('notes').selectAll().execute()).rejects.toBeInstanceOf(TenantDatabaseUnavailableError);
      await proxy.start();
      const rows = await db.selectFrom('notes').select('title').execute();
      expect(rows.map((r) => r.title)).toEqual(['before']);
    } finally {
      await cut.destroy();
      await proxy.stop();
      await tenancy.provisioner.delete('restarting');
    }
  });

  it('never answers one tenant with another tenant\'s rows under concurrent load', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `iso${i}`);
    const created = await tenancy.provisioner.createMany(names, { concurrency: 8 });
    expect(created.every((r) => r.status === 'created')).toBe(true);
    for (const name of names) {
      const { db } = await tenancy.tenant(name);
      await db.insertInto('notes').values([{ title: `${name}-a` }, { title: `${name}-b` }]).execute();
    }
    const checks = Array.from({ length: 2000 }, async (_, i) => {
      const name = names[(i * 7919) % names.length]!;
      const { db } = await tenancy.tenant(name);
      const rows = await db.selectFrom('notes').select('title').orderBy('id').execute();
      return { name, got: rows.map((r) => r.title) };
    });
    for (const { name, got } of await Promise.all(checks)) expect(got).toEqual([`${name}-a`, `${name}-b`]);
    for (const name of names) await tenancy.provisioner.delete(name);
  });

  describe('migrations', () => {
    it('a run over all tenants returns one result each and goes on past a broken one', async () => {
      const names = ['mig1', 'mig2', 'mig3'];
      await tenancy.provisioner.createMany(names);
      const broken = (await tenancy.registry.get('mig2'))!;
      await server().dropDatabase(broken.database);
      const results = await tenancy.migrator.migrateAll(
        (async function* () {
          for (const name of names) yield (await tenancy.registry.get(name))!;
        })(),
        { concurrency: 2 },
      );
      const byTenant = Object.fromEntries(results.map((r) => [r.tenant, r]));
      expect(results).toHaveLength(3);
      expect(byTenant.mig1).toMatchObject({ status: 'current', version: 1 });
      expect(byTenant.mig3).toMatchObject({ status: 'current', version: 1 });
      expect(byTenant.mig2?.status).toBe('failed');
      expect(byTenant.mig2?.error).toBeTruthy();
      for (const name of names) await tenancy.provisioner.delete(name);
    });

    it('a new migration is applied to every tenant, once', async () => {
      const extended = testTenancy(environment, {
        migrations: {
          ...NOTES_MIGRATIONS,
          '0002_email': {
            up: async (db) => {
              await db.schema.alterTable('notes').addColumn('email', 'varchar(200)').execute();
            },
          },
        },
      });
      try {
        await extended.provisioner.createMany(['ext1', 'ext2']);
        // ext1/ext2 got both migrations at create; roll the registry back to pretend they are behind.
        const names = ['ext1', 'ext2'];
        const records = await Promise.all(names.map(async (n) => (await extended.registry.get(n))!));
        const first = await extended.migrator.migrateAll(records);
        expect(first.map((r) => r.status)).toEqual(['current', 'current']);
        expect(records.every((r) => r.schemaVersion === 2)).toBe(true);

        await tenancy.provisioner.create('ext3'); // created with migration 1 only
        const ext3 = (await tenancy.registry.get('ext3'))!;
        expect(ext3.schemaVersion).toBe(1);
        expect(await extended.migrator.pending(ext3)).toEqual(['0002_email']);
        const [applied] = await extended.migrator.migrateAll([ext3]);
        expect(applied).toMatchObject({ status: 'applied', applied: ['0002_email'], version: 2 });
        expect((await extended.registry.get('ext3'))?.schemaVersion).toBe(2);
        const [again] = await extended.migrator.migrateAll([(await extended.registry.get('ext3'))!]);
        expect(again?.status).toBe('current');
        for (const name of ['ext1', 'ext2', 'ext3']) await extended.provisioner.delete(name);
      } finally {
        await extended.destroy();
      }
    });

    it.runIf(driver === 'mysql')('locks per tenant database: one tenant waits, others go on, nothing runs twice', async () => {
      let openGate!: () => void;
      const gate = { promise: new Promise<void>((resolve) => (openGate = resolve)), resolve: () => openGate() };
      let entered = 0;
      const migrations = {
        ...NOTES_MIGRATIONS,
        '0002_marker': {
          up: async (db: Kysely<any>) => {
            entered++;
            await db.insertInto('notes').values({ title: 'migrated' }).execute();
            if (entered === 1) await gate.promise; // the first run holds lockA's lock here
          },
        },
      };
      // Two processes' worth of migrators over the same tenants.
      const slow = testTenancy(environment, { migrations });
      const other = testTenancy(environment, { migrations });
      try {
        await tenancy.provisioner.createMany(['lockA', 'lockB']);
        const a = (await tenancy.registry.get('lockA'))!;
        const b = (await tenancy.registry.get('lockB'))!;
        const blocked = slow.migrator.migrateTenant(a); // holds lockA's lock until the gate opens
        while (entered === 0) await sleep(10);
        const sameTenant = other.migrator.migrateTenant(a); // must wait for lockA's lock
        const otherTenant = await other.migrator.migrateTenant(b); // must not wait
        expect(otherTenant).toMatchObject({ status: 'applied', applied: ['0002_marker'] });
        expect(entered).toBe(2);
        gate.resolve();
        const [first, second] = await Promise.all([blocked, sameTenant]);
        expect(first).toMatchObject({ status: 'applied', applied: ['0002_marker'] });
        expect(second).toMatchObject({ status: 'current', applied: [] });
        expect(entered).toBe(2);
        const rows = await tenancy.connections.forTenant(a).selectFrom('notes').select('title').execute();
        expect(rows).toEqual([{ title: 'migrated' }]);
      } finally {
        gate.resolve();
        await slow.destroy();
        await other.destroy();
        for (const name of ['lockA', 'lockB']) await tenancy.provisioner.delete(name).catch(() => {});
      }
    });
  });

  it('destroy closes everything, and use after destroy is an error', async () => {
    await tenancy.provisioner.create('afterlife');
    const short = testTenancy(environment);
    const { db } = await short.tenant('afterlife');
    await db.selectFrom('notes').selectAll().execute();
    await short.destroy();
    await expect(db.selectFrom('notes').selectAll().execute()).rejects.toBeInstanceOf(DestroyedError);
    expect(() => short.connections.server('default')).toThrow(DestroyedError);
    await short.destroy(); // idempotent
    await tenancy.provisioner.delete('afterlife');
  });
});

describe('connection budget on MySQL', () => {
  // A user of this run's own: two suites running at once must not count each other's connections.
  const USER = `tt_budget_${Math.random().toString(36).slice(2, 8)}`;
  const PASSWORD = 'budget-pw-1';
  let environment: TestEnvironment;
  let tenancy: Tenancy<NotesDatabase>;

  const countConnections = () =>
    withMysqlRoot(async (conn) => {
      const [rows] = await conn.query('select count(*) as n from information_schema.processlist where user = ?', [USER]);
      return Number((rows as Array<{ n: number }>)[0]?.n);
    });

  beforeAll(async () => {
    await withMysqlRoot(async (conn) => {
      for (const host of ['%', 'localhost']) {
        await conn.query(`create user if not exists '${USER}'@'${host}' identified by '${PASSWORD}'`);
        await conn.query(`grant all on *.* to '${USER}'@'${host}'`);
      }
    });
    environment = createTestEnvironment('mysql', 'budget');
    tenancy = testTenancy(environment, {
      env: { TENANCY_SERVERS: `default=mysql://${USER}:${PASSWORD}@127.0.0.1:3306`, TENANCY_MAX_CONNECTIONS: '10' },
    });
    await tenancy.registry.migrate();
  }, 600_000);

  afterAll(async () => {
    await tenancy?.destroy();
    await environment?.cleanup();
    await withMysqlRoot(async (conn) => {
      for (const host of ['%', 'localhost']) await conn.query(`drop user if exists '${USER}'@'${host}'`);
    });
  });

  it('500 tenants queried concurrently stay within TENANCY_MAX_CONNECTIONS', async () => {
    const names = Array.from({ length: 500 }, (_, i) => `load${String(i).padStart(3, '0')}`);
    const created = await tenancy.provisioner.createMany(names, { concurrency: 8 });
    expect(created.filter((r) => r.status !== 'created')).toEqual([]);

    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, await countConnections());
        await sleep(5);
      }
    })();
    const answers = await Promise.all(
      names.flatMap((name) => [0, 1].map(async () => {
        const { db } = await tenancy.tenant(name);
        await sql`select sleep(0.002)`.execute(db);
        return db.selectFrom('notes').select('id').execute();
      })),
    );
    sampling = false;
    await sampler;
    const stats = tenancy.connections.stats()[0]!;
    console.log(`500 tenants, 1000 concurrent queries: at most ${most} server connections seen in PROCESSLIST, pool open ${stats.open}/${stats.limit}`);
    expect(answers).toHaveLength(1000);
    expect(most).toBeGreaterThan(1); // the load was concurrent
    expect(most).toBeLessThanOrEqual(10);
    expect(stats.open).toBeLessThanOrEqual(10);
  }, 600_000);

  it('a password never appears in an error message', async () => {
    const wrong = testTenancy(environment, {
      env: { TENANCY_SERVERS: `default=mysql://${USER}:not-the-Secret-42@127.0.0.1:3306` },
    });
    try {
      await wrong.provisioner.create('pw-check').catch(() => {});
      const error = await wrong.connections.server('default').ping().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TenantDatabaseUnavailableError);
      const text = `${(error as Error).message} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
      expect(text).not.toContain('not-the-Secret-42');
    } finally {
      await wrong.destroy();
      await tenancy.provisioner.delete('pw-check').catch(() => {});
    }
  });
});
