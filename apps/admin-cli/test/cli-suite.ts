import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Tenancy, type TenancyConfig, databaseNameFor, loadConfig } from '@tenantry/tenancy';
import { type TestDriver, type TestEnvironment, createTestEnvironment, withMysqlRoot } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTenancy, mapLimit, runCli } from './run-cli.js';

const TENANT_KEYS = ['createdAt', 'database', 'name', 'schemaVersion', 'server', 'status', 'updatedAt'];

/** Names that must never become a tenant, nor reach SQL or the file system: each refused on its own. */
const HOSTILE_NAMES = ["a'b", 'a`b', '..', 'x'.repeat(300), 'café', 'admin', 'mysql'];
/** More of them, refused together with a good name in one command (nothing of the batch is created). */
const MORE_HOSTILE_NAMES = ['a"b', '../escape', 'a/b', 'テナント', 'ADMIN', 'information_schema', 'a b', 'x;drop database mysql', '_x'];

/**
 * Every command of the built CLI, run as a subprocess against one driver. Each driver has its own
 * test file calling this, so the two run in parallel (the suite is mostly subprocess start-up).
 */
export function cliSuite(driver: TestDriver): void {
  describe(`tenantry on ${driver}`, () => {
    let environment: TestEnvironment;
    let env: Record<string, string>;
    let config: TenancyConfig;
    /** The test's own view of the registry and the server, to check what the CLI really did. */
    let inspect: Tenancy;
    const cli = (...args: string[]) => runCli(args, env);

    /** Tenant databases on the server (without the registry's own database on MySQL). */
    const databases = async () =>
      (await inspect.connections.server('default').listDatabases(environment.prefix)).filter((d) => d !== `${environment.prefix}registry`);
    const registryNames = async () => (await inspect.registry.list()).map((r) => r.name);
    const tenantsFolder = () => (config.servers[0]!.location as { path: string }).path;

    /** Removes a tenant database behind the registry's back. */
    const dropByHand = async (database: string) => {
      if (driver === 'mysql') await withMysqlRoot((c) => c.query(`drop database \`${database}\``));
      else await inspect.connections.server('default').dropDatabase(database);
    };

    beforeAll(async () => {
      environment = createTestEnvironment(driver, `cli${driver}`);
      env = environment.env;
      config = loadConfig(env);
      inspect = await inspectTenancy(env);
    });

    afterAll(async () => {
      await inspect?.destroy();
      await environment?.cleanup();
    });

    it('init creates the registry, is idempotent, and says where it is', async () => {
      const first = await cli('init', '--json');
      expect(first.code, first.stderr).toBe(0);
      expect(first.json()).toEqual({
        version: 1,
        command: 'init',
        ok: true,
        registry: expect.any(String),
        embeddedDefault: false,
        servers: [{ name: 'default', location: expect.any(String) }],
        tenants: 0,
      });
      const second = await cli('init');
      expect(second.code).toBe(0);
      expect(second.stdout).toContain('registry ready');
      expect(await inspect.registry.count()).toBe(0);
    });

    it('create makes the registry row and the database, one or several at a time', async () => {
      const one = await cli('create', 'acme');
      expect(one.code, one.stderr).toBe(0);
      expect(one.stdout).toContain(`created tenant "acme": database ${environment.prefix}acme`);

      const many = await cli('create', 'Beta-1', 'gamma_2', 'delta', '--concurrency', '2', '--json');
      expect(many.code, many.stderr).toBe(0);
      const body = many.json();
      expect(body).toMatchObject({ version: 1, command: 'create', ok: true, summary: { created: 3, failed: 0 } });
      expect(body.results.map((r: { tenant: string }) => r.tenant)).toEqual(['Beta-1', 'gamma_2', 'delta']);
      // Not a terminal: plain progress lines on stderr, never on stdout.
      expect(many.stderr).toMatch(/^create: 3\/3 tenants \| 0 failed \| /m);
      expect(body.results[0]).toEqual({
        tenant: 'Beta-1',
        status: 'created',
        database: `${environment.prefix}beta_1`,
        server: 'default',
        schemaVersion: 1,
      });

      expect(await registryNames()).toEqual(['acme', 'Beta-1', 'delta', 'gamma_2']);
      expect(await databases()).toEqual(['acme', 'beta_1', 'delta', 'gamma_2'].map((n) => environment.prefix + n));
      for (const record of await inspect.registry.list()) expect(record.status).toBe('active');
    });

    it('create reports a tenant that already exists (exit 1) and still creates the others', async () => {
      const run = await cli('create', 'epsilon', 'ACME', '--json');
      expect(run.code).toBe(1);
      const body = run.json();
      expect(body.ok).toBe(false);
      expect(body.summary).toEqual({ created: 1, failed: 1 });
      expect(body.results[1]).toEqual({
        tenant: 'ACME',
        status: 'failed',
        error: { code: 'tenant_exists', message: 'tenant "acme" already exists' },
      });
      expect(run.stderr).toMatch(/^error: 1 of 2 tenants could not be created: ACME$/m);
      expect(await registryNames()).toContain('epsilon');
    });

    it('create --database and --adopt: an existing database is refused unless adopted', async () => {
      const database = `${environment.prefix}legacy_db`;
      await inspect.connections.server('default').createDatabase(database);
      const refused = await cli('create', 'legacy', '--database', database);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('already exists');
      expect(await inspect.registry.get('legacy')).toBeUndefined();

      const adopted = await cli('create', 'legacy', '--database', database, '--adopt', '--json');
      expect(adopted.code, adopted.stderr).toBe(0);
      expect(adopted.json().results[0]).toMatchObject({ tenant: 'legacy', status: 'created', database });
      expect(await inspect.migrator.pending({ server: 'default', database })).toEqual([]);
    });

    it('refuses hostile names with exit 2 and creates nothing', async () => {
      const namesBefore = await registryNames();
      const databasesBefore = await databases();
      const runs = await mapLimit(HOSTILE_NAMES, 2, async (name) => ({ name, run: await cli('create', name) }));
      for (const { name, run } of runs) {
        expect(run.code, `create ${JSON.stringify(name)}: ${run.stderr}`).toBe(2);
        expect(run.stderr).toMatch(/^error: (invalid tenant name|tenant name ".*" is reserved)/);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stdout).toBe('');
      }
      const others = await mapLimit(
        [
          ['create', 'innocent', ...MORE_HOSTILE_NAMES],
          ['create', 'innocent', '--database', 'x`; drop database mysql; --'],
          ['create', 'innocent', '--server', 'nowhere'],
          ['delete', '..', '--yes'],
          ['users', 'add', 'admin', 'alice'],
        ],
        2,
        (args) => cli(...args),
      );
      for (const run of others) {
        expect(run.code, run.stderr).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
      }
      expect(await registryNames()).toEqual(namesBefore);
      expect(await databases()).toEqual(databasesBefore);
    });

    it('list shows every tenant, as a table and as versioned JSON', async () => {
      const run = await cli('list', '--json');
      expect(run.code).toBe(0);
      const body = run.json();
      expect(body).toMatchObject({ version: 1, command: 'list', ok: true });
      expect(body.tenants.map((t: { name: string }) => t.name)).toEqual(['acme', 'Beta-1', 'delta', 'epsilon', 'gamma_2', 'legacy']);
      for (const tenant of body.tenants) expect(Object.keys(tenant).sort()).toEqual(TENANT_KEYS);
      expect(body.tenants[0]).toMatchObject({ name: 'acme', status: 'active', server: 'default', database: `${environment.prefix}acme`, schemaVersion: 1 });

      const table = await cli('list');
      expect(table.code).toBe(0);
      const lines = table.stdout.trim().split('\n');
      expect(lines[0]).toMatch(/^NAME\s+STATUS\s+SERVER\s+DATABASE\s+SCHEMA\s+CREATED$/);
      expect(lines[1]).toMatch(new RegExp(`^acme\\s+active\\s+default\\s+${environment.prefix}acme\\s+1\\s+\\d{4}-`));
      expect(lines.at(-1)).toBe('6 tenants');
    });

    it('show describes one tenant; an unknown one is exit 1', async () => {
      const run = await cli('show', 'ACME', '--json');
      expect(run.code, run.stderr).toBe(0);
      const { tenant } = run.json();
      expect(tenant).toMatchObject({ name: 'acme', status: 'active', databaseExists: true, pendingMigrations: [], latestVersion: 1 });
      expect(Object.keys(tenant).sort()).toEqual([...TENANT_KEYS, 'databaseExists', 'latestVersion', 'pendingMigrations'].sort());

      const missing = await cli('show', 'nobody', '--json');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe('error: tenant "nobody" does not exist\n');
      expect(missing.json()).toEqual({
        version: 1,
        command: 'show',
        ok: false,
        error: { code: 'tenant_not_found', message: 'tenant "nobody" does not exist' },
      });
    });

    it('users add writes to the tenant database; suspend and resume gate it', async () => {
      const added = await cli('users', 'add', 'acme', 'alice', 'bob', '--json');
      expect(added.code, added.stderr).toBe(0);
      const body = added.json();
      expect(body).toMatchObject({ version: 1, command: 'users add', ok: true, tenant: 'acme' });
      expect(body.users.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob']);
      const { db } = await inspect.tenant('acme');
      const rows = await db.selectFrom('users').select(['id', 'username']).orderBy('id').execute();
      expect(rows.map((r) => ({ id: Number(r.id), username: r.username }))).toEqual(body.users);
      // Nothing reached another tenant's database.
      expect(await (await inspect.tenant('delta')).db.selectFrom('users').selectAll().execute()).toEqual([]);

      const tooLong = await cli('users', 'add', 'acme', 'carol', 'u'.repeat(101));
      expect(tooLong.code).toBe(2);
      expect(await db.selectFrom('users').selectAll().execute()).toHaveLength(2);

      const suspended = await cli('suspend', 'acme', '--json');
      expect(suspended.code).toBe(0);
      expect(suspended.json()).toMatchObject({ version: 1, command: 'suspend', ok: true, tenant: { name: 'acme', status: 'suspended' } });
      expect((await inspect.registry.get('acme'))?.status).toBe('suspended');
      const refused = await cli('users', 'add', 'acme', 'carol');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toBe('error: tenant "acme" is suspended\n');

      const resumed = await cli('resume', 'acme');
      expect(resumed.code).toBe(0);
      expect(resumed.stdout).toBe('tenant "acme" is active\n');
      expect((await inspect.registry.get('acme'))?.status).toBe('active');
    });

    it('delete without --yes drops nothing and says what it would drop (exit 2)', async () => {
      const run = await cli('delete', 'epsilon');
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`refusing to delete without --yes: it would DROP database ${environment.prefix}epsilon on server default`);
      expect(run.stdout).toBe('');
      expect((await inspect.registry.get('epsilon'))?.status).toBe('active');
      expect(await databases()).toContain(`${environment.prefix}epsilon`);
    });

    it('delete --yes drops the database; --keep-database keeps it', async () => {
      const run = await cli('delete', 'epsilon', '--yes', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.json()).toMatchObject({ version: 1, command: 'delete', ok: true, databaseDropped: true, tenant: { name: 'epsilon' } });
      expect(await inspect.registry.get('epsilon')).toBeUndefined();
      expect(await databases()).not.toContain(`${environment.prefix}epsilon`);

      const kept = await cli('delete', 'legacy', '--yes', '--keep-database');
      expect(kept.code, kept.stderr).toBe(0);
      expect(kept.stdout).toContain('was kept');
      expect(await inspect.registry.get('legacy')).toBeUndefined();
      expect(await databases()).toContain(`${environment.prefix}legacy_db`);
      await dropByHand(`${environment.prefix}legacy_db`);

      const gone = await cli('delete', 'epsilon', '--yes');
      expect(gone.code).toBe(1);
    });

    it('migrate migrates the healthy tenants, reports the broken one and exits 1', async () => {
      const created = await cli('create', 'm-pending', 'm-broken', 'm-gone');
      expect(created.code, created.stderr).toBe(0);
      const server = inspect.connections.server('default');
      // m-pending: its migration row removed, so 0001_users runs again (it is written to allow that).
      await server.migrationDatabase(`${environment.prefix}m_pending`).deleteFrom('tenantry_migration').execute();
      // m-broken: a database that exists but whose migration state cannot be read.
      if (driver === 'mysql') {
        await withMysqlRoot(async (c) => {
          await c.query(`drop table \`${environment.prefix}m_broken\`.tenantry_migration`);
          await c.query(`create table \`${environment.prefix}m_broken\`.tenantry_migration (nonsense int)`);
        });
      } else {
        await server.dropDatabase(`${environment.prefix}m_broken`);
        writeFileSync(join(tenantsFolder(), `${environment.prefix}m_broken.db`), 'this is not a database file '.repeat(200));
      }
      // m-gone: its database dropped behind the registry's back.
      await dropByHand(`${environment.prefix}m_gone`);

      const run = await cli('migrate', '--concurrency', '3', '--json');
      expect(run.code).toBe(1);
      const body = run.json();
      expect(body).toMatchObject({ version: 1, command: 'migrate', ok: false, latestVersion: 1 });
      const byTenant = Object.fromEntries(body.results.map((r: { tenant: string }) => [r.tenant, r]));
      expect(Object.keys(byTenant).sort()).toEqual(['acme', 'Beta-1', 'delta', 'gamma_2', 'm-broken', 'm-gone', 'm-pending'].sort());
      expect(byTenant['m-pending']).toEqual({ tenant: 'm-pending', status: 'applied', applied: ['0001_users'], version: 1 });
      expect(byTenant['m-broken']).toMatchObject({ status: 'failed', applied: [], error: expect.stringMatching(/\S/) });
      expect(byTenant['m-gone']).toMatchObject({
        status: 'failed',
        applied: [],
        error: `database ${environment.prefix}m_gone does not exist on server default`,
      });
      for (const name of ['acme', 'Beta-1', 'delta', 'gamma_2']) {
        expect(byTenant[name]).toEqual({ tenant: name, status: 'current', applied: [], version: 1 });
      }
      expect(body.summary).toEqual({ total: 7, applied: 1, current: 4, failed: 2, skipped: 0 });
      expect(run.stderr).toMatch(/^error: 2 tenants failed to migrate: m-broken, m-gone$/m);
      // The healthy one really is migrated; the gone one was not recreated.
      expect(await inspect.migrator.pending({ server: 'default', database: `${environment.prefix}m_pending` })).toEqual([]);
      expect(await server.databaseExists(`${environment.prefix}m_gone`)).toBe(false);

      const table = await cli('migrate', '--tenant', 'm-broken');
      expect(table.code).toBe(1);
      expect(table.stdout).toMatch(/^m-broken\s+FAILED\s+/m);
      expect(table.stdout).toMatch(/1 tenant: 0 applied, 0 already current, 1 failed, 0 skipped/);

      const one = await cli('migrate', '--tenant', 'acme', '--json');
      expect(one.code).toBe(0);
      expect(one.json().results).toEqual([{ tenant: 'acme', status: 'current', applied: [], version: 1 }]);
      expect((await cli('migrate', '--tenant', 'nobody')).code).toBe(1);

      // Leave no drift behind for the doctor test (delete itself is tested above).
      for (const name of ['m-broken', 'm-gone', 'm-pending']) await inspect.provisioner.delete(name);
    });

    it('doctor finds each kind of drift, and the hints it gives repair them', async () => {
      const clean = await cli('doctor', '--json');
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.json()).toEqual({ version: 1, command: 'doctor', ok: true, checked: { tenants: 4, servers: 1, databases: 4 }, findings: [] });

      expect((await cli('create', 'd-missing', 'd-behind', 'd-deleting')).code).toBe(0);
      const prefix = environment.prefix;
      await dropByHand(`${prefix}d_missing`);
      const orphan = `${prefix}orphan`;
      if (driver === 'mysql') await withMysqlRoot((c) => c.query(`create database \`${orphan}\``));
      else {
        mkdirSync(tenantsFolder(), { recursive: true });
        writeFileSync(join(tenantsFolder(), `${orphan}.db`), '');
      }
      await inspect.registry.insert({ name: 'd-stuck', database: databaseNameFor('d-stuck', prefix), server: 'default' });
      await inspect.registry.setStatus('d-deleting', 'deleting', ['active']);
      await inspect.connections.server('default').migrationDatabase(`${prefix}d_behind`).deleteFrom('tenantry_migration').execute();

      const run = await cli('doctor', '--json');
      expect(run.code).toBe(1);
      const body = run.json();
      expect(body.ok).toBe(false);
      expect(body.checked).toEqual({ tenants: 8, servers: 1, databases: 7 });
      const found = body.findings.map((f: { kind: string; tenant?: string; database?: string; status?: string }) => [
        f.kind,
        f.tenant ?? f.database,
        f.status ?? null,
      ]);
      expect(found).toEqual([
        ['missing_database', 'd-missing', 'active'],
        ['orphan_database', orphan, null],
        ['behind_migrations', 'd-behind', 'active'],
        ['stuck', 'd-deleting', 'deleting'],
        ['stuck', 'd-stuck', 'provisioning'],
      ]);
      const behind = body.findings.find((f: { kind: string }) => f.kind === 'behind_migrations');
      expect(behind).toMatchObject({ server: 'default', database: `${prefix}d_behind`, pending: ['0001_users'], hint: 'tenantry migrate --tenant d-behind' });
      for (const finding of body.findings) expect(finding.detail).toEqual(expect.any(String));
      expect(run.stderr).toMatch(/^error: doctor found 5 problems$/m);

      const table = await cli('doctor');
      expect(table.code).toBe(1);
      for (const kind of ['missing_database', 'orphan_database', 'behind_migrations', 'stuck']) expect(table.stdout).toContain(kind);

      // The repairs doctor suggests.
      expect((await cli('create', 'd-stuck')).code).toBe(0);
      expect((await cli('migrate', '--tenant', 'd-behind')).code).toBe(0);
      expect((await cli('delete', 'd-deleting', '--yes')).code).toBe(0);
      expect((await cli('delete', 'd-missing', '--yes', '--keep-database')).code).toBe(0);
      await dropByHand(orphan);
      const repaired = await cli('doctor');
      expect(repaired.code, repaired.stdout).toBe(0);
      expect(repaired.stdout).toBe('no drift: checked 6 tenants and 6 databases on 1 server\n');
    });

    it('seed-demo creates TenantA and TenantB with their users, once', async () => {
      const run = await cli('seed-demo', '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(run.json()).toEqual({
        version: 1,
        command: 'seed-demo',
        ok: true,
        results: [
          { tenant: 'TenantA', status: 'created', users: ['userA', 'userB'] },
          { tenant: 'TenantB', status: 'created', users: ['userA', 'userC'] },
        ],
      });
      const users = async (name: string) =>
        (await (await inspect.tenant(name)).db.selectFrom('users').select('username').orderBy('id').execute()).map((r) => r.username);
      expect(await users('TenantA')).toEqual(['userA', 'userB']);
      expect(await users('TenantB')).toEqual(['userA', 'userC']);

      const again = await cli('seed-demo');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/^TenantA\s+already there/m);
      expect(await users('TenantA')).toEqual(['userA', 'userB']);
    });
  });
}
