import { symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseInUseError,
  PhysicalLayout,
  SERVER_SCHEMAS,
  type Tenancy,
  TenantExistsError,
  loadConfig,
} from '../src/index.js';
import { TEST_DRIVERS, TEST_MYSQL_URL, type TestEnvironment, createTestEnvironment, withMysqlRoot } from '../src/testing/index.js';
import type { NotesDatabase } from './fixture-product.js';
import { testTenancy } from './support.js';

/**
 * Nothing a caller asks for drops or takes the registry's database, a server's own schema, or
 * another tenant's database. The registry sits on the tenant server under the tenant prefix, as
 * in the issue (DATABASE_URL=mysql://…/acme_registry, TENANCY_DB_PREFIX=acme_), and the server
 * has a second name (`alias`) that reaches the same databases.
 */
describe.each(TEST_DRIVERS)('operator safety on %s', (driver) => {
  let environment: TestEnvironment;
  let env: Record<string, string>;
  let tenancy: Tenancy<NotesDatabase>;
  let registryDb: string;
  let folder: string;
  const server = () => tenancy.connections.server('default');

  /** Edits a registry row behind the library's back, as an operator with a SQL prompt would. */
  const handEdit = async (name: string, set: { database_name: string; server?: string }) => {
    const server = set.server ?? 'default';
    if (driver === 'mysql') {
      await withMysqlRoot((c) =>
        c.query(`update \`${registryDb}\`.tenants set database_name = ?, server = ? where name_key = ?`, [set.database_name, server, name]),
      );
    } else {
      const db = new Database(join(folder, `${registryDb}.db`));
      try {
        db.prepare('update tenants set database_name = ?, server = ? where name_key = ?').run(set.database_name, server, name);
      } finally {
        db.close();
      }
    }
  };

  /** The registry still lists exactly `names`, acme still serves its notes, the registry database still holds the registry. */
  const intact = async (names: readonly string[] = ['acme']) => {
    expect((await tenancy.registry.list()).map((r) => r.name)).toEqual(names);
    const { db } = await tenancy.tenant('acme');
    expect((await db.selectFrom('notes').select('title').orderBy('id').execute()).map((r) => r.title)).toEqual(['alice', 'bob']);
    expect(await server().holdsRegistry(registryDb)).toBe(true);
    expect(await server().holdsRegistry(`${environment.prefix}acme`)).toBe(false);
  };

  beforeAll(async () => {
    environment = createTestEnvironment(driver, `safety${driver}`);
    registryDb = `${environment.prefix}registry`;
    if (driver === 'mysql') {
      const url = `${TEST_MYSQL_URL.replace(/\/$/, '')}/`;
      env = { ...environment.env, TENANCY_SERVERS: `default=${url},alias=${url}` };
      folder = '';
    } else {
      // Registry file and tenant files in one folder; the alias reaches it through a symlink.
      folder = dirname(environment.env.DATABASE_URL!.slice('sqlite:'.length));
      symlinkSync(folder, join(folder, 'alias'));
      env = {
        DATABASE_URL: `sqlite:${folder}/${registryDb}.db`,
        TENANCY_DB_PREFIX: environment.prefix,
        TENANCY_SERVERS: `default=sqlite:${folder},alias=sqlite:${folder}/alias`,
      };
    }
    tenancy = testTenancy(environment, { env });
    await tenancy.registry.migrate();
    await tenancy.provisioner.create('acme');
    const { db } = await tenancy.tenant('acme');
    await db.insertInto('notes').values([{ title: 'alice' }, { title: 'bob' }]).execute();
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await environment?.cleanup();
  });

  it("refuses the registry's database by name, adopted or not, in any case and under any name of its server", async () => {
    const attempts = [
      { database: registryDb },
      { database: registryDb, adopt: true },
      { database: registryDb.toUpperCase(), adopt: true },
      { database: registryDb, adopt: true, server: 'alias' },
    ];
    for (const options of attempts) {
      const error = await tenancy.provisioner.create('regx', options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(DatabaseInUseError);
      expect(error).toMatchObject({ code: 'database_in_use', owner: 'registry' });
      expect((error as Error).message).toBe(`database ${options.database} is the registry's database`);
      await expect(tenancy.provisioner.assertCanCreate('regx', options)).rejects.toBeInstanceOf(DatabaseInUseError);
    }
    expect(await tenancy.registry.get('regx')).toBeUndefined();
    await intact();
  });

  it("refuses the registry's database reached through the tenant prefix", async () => {
    for (const [name, adopt] of [['registry', false], ['registry', true], ['REGISTRY', true]] as const) {
      await expect(tenancy.provisioner.create(name, { adopt })).rejects.toMatchObject({
        code: 'database_in_use',
        owner: 'registry',
        message: `database ${registryDb} is the registry's database`,
      });
    }
    expect(await tenancy.registry.get('registry')).toBeUndefined();
    await intact();
  });

  it('knows the registry by its tables when the configuration does not say where it is', async () => {
    const config = loadConfig({ ...environment.env, ...env });
    const blind = testTenancy(environment, { env, overrides: { layout: new PhysicalLayout({ servers: config.servers }) } });
    try {
      await expect(blind.provisioner.create('regx', { database: registryDb, adopt: true })).rejects.toMatchObject({
        code: 'database_in_use',
        owner: 'registry',
      });
      await expect(blind.provisioner.create('registry', { adopt: true })).rejects.toMatchObject({ owner: 'registry' });
    } finally {
      await blind.destroy();
    }
    expect(await tenancy.registry.get('regx')).toBeUndefined();
    await intact();
  });

  it("refuses another tenant's database, adopted or not, in any case and under any name of its server", async () => {
    const database = `${environment.prefix}acme`;
    const attempts = [
      { database },
      { database, adopt: true },
      { database: database.toUpperCase(), adopt: true },
      { database, adopt: true, server: 'alias' },
    ];
    for (const options of attempts) {
      const error = await tenancy.provisioner.create('thief', options).catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(DatabaseInUseError);
      expect(error).toMatchObject({ owner: 'tenant', tenant: 'acme', message: `database ${options.database} belongs to tenant acme` });
    }
    expect(await tenancy.registry.get('thief')).toBeUndefined();
    await intact();
  });

  it("refuses a server's own schemas, named or reached through the prefix", async () => {
    for (const database of [...SERVER_SCHEMAS, 'MySQL']) {
      for (const adopt of [false, true]) {
        await expect(tenancy.provisioner.create('sneaky', { database, adopt })).rejects.toMatchObject({
          code: 'database_in_use',
          owner: 'server',
          message: `database ${database} is a schema of the database server itself`,
        });
      }
    }
    // The prefix "perf" and the valid tenant name "ormance_schema" make performance_schema.
    const prefixed = testTenancy(environment, { env: { ...env, TENANCY_DB_PREFIX: 'perf' } });
    try {
      await expect(prefixed.provisioner.create('ormance_schema', { adopt: true })).rejects.toMatchObject({ owner: 'server' });
    } finally {
      await prefixed.destroy();
    }
    expect(await tenancy.registry.get('sneaky')).toBeUndefined();
    if (driver === 'mysql') {
      const [rows] = await withMysqlRoot((c) => c.query("select count(*) as n from information_schema.schemata where schema_name = 'mysql'"));
      expect(Number((rows as Array<{ n: number }>)[0]?.n)).toBe(1);
    }
    await intact();
  });

  it("delete refuses to drop a database that a hand-edited row says is the registry's or another tenant's", async () => {
    await tenancy.provisioner.create('victim');
    const ownDatabase = (await tenancy.registry.get('victim'))!.database;
    await handEdit('victim', { database_name: registryDb });
    tenancy.cache.clear();
    await expect(tenancy.provisioner.delete('victim')).rejects.toMatchObject({
      code: 'database_in_use',
      owner: 'registry',
      message: `database ${registryDb} is the registry's database; it was not dropped`,
    });
    // Nothing was written: the row is as it was, not `deleting`.
    expect(await tenancy.registry.get('victim')).toMatchObject({ status: 'active', database: registryDb });
    await intact(['acme', 'victim']);

    // Another name of the server, the other tenant's database: the unique index cannot see it.
    await handEdit('victim', { database_name: `${environment.prefix}acme`, server: 'alias' });
    await expect(tenancy.provisioner.delete('victim')).rejects.toMatchObject({ owner: 'tenant', tenant: 'acme' });
    // Nor does deleting acme drop what victim's row names too.
    await expect(tenancy.provisioner.delete('acme')).rejects.toMatchObject({ owner: 'tenant', tenant: 'victim' });
    await intact(['acme', 'victim']);

    // Removing the row alone is what repairs it.
    await tenancy.provisioner.delete('victim', { keepDatabase: true });
    await intact();
    await server().dropDatabase(ownDatabase);
  });

  it('a unique violation on (server, database) names the owner, never tenant_exists', async () => {
    const database = `${environment.prefix}acme`;
    const error = await tenancy.registry.insert({ name: 'dup', database, server: 'default' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect(error).toMatchObject({ code: 'database_in_use', owner: 'tenant', tenant: 'acme' });
    if (driver === 'mysql') {
      // The registry's collation ignores case, as the check does.
      await expect(tenancy.registry.insert({ name: 'dup', database: database.toUpperCase(), server: 'default' })).rejects.toMatchObject({
        code: 'database_in_use',
        tenant: 'acme',
      });
    }
    await expect(tenancy.registry.insert({ name: 'ACME', database: `${environment.prefix}other`, server: 'default' })).rejects.toBeInstanceOf(
      TenantExistsError,
    );
    expect(await tenancy.registry.get('dup')).toBeUndefined();
    await intact();
  });

  it('two creates racing for one database through two names of its server: at most one gets it', async () => {
    const database = `${environment.prefix}contested`;
    const results = await Promise.allSettled([
      tenancy.provisioner.create('racer1', { database }),
      tenancy.provisioner.create('racer2', { database, server: 'alias' }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBeLessThanOrEqual(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(['database_in_use', 'database_exists']).toContain((r.reason as { code?: string }).code);
    }
    const rows = await tenancy.registry.findByDatabase(['default', 'alias'], database);
    expect(rows).toHaveLength(won.length);
    expect(await server().databaseExists(database)).toBe(won.length === 1);
    for (const row of rows) await tenancy.provisioner.delete(row.name);
    await intact();
  });
});
