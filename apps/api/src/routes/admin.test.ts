import { dirname } from 'node:path';
import { type Tenancy, createTenancy, silentLogger } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import product from '../product.js';
import type { TenantDatabase } from '../schema.js';

type ErrorBody = { error: { code: string; message: string } };

/**
 * The admin API reaches the core's check: no tenant takes, adopts or drops the registry's
 * database, a server's own schema or another tenant's database. The registry sits on the tenant
 * server under the tenant prefix, as in the issue.
 */
describe.each(TEST_DRIVERS)('admin API database safety on %s', (driver) => {
  let environment: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  let app: ReturnType<typeof createApp>;
  let registryDb: string;
  let prefix: string;
  const auth = { authorization: 'Bearer s3cret', 'content-type': 'application/json' };
  const post = (body: object) => app.request('/admin/tenants', { method: 'POST', headers: auth, body: JSON.stringify(body) });

  /** The registry lists exactly `names`, and acme still serves its users. */
  const intact = async (names: readonly string[]) => {
    const list = (await (await app.request('/admin/tenants', { headers: auth })).json()) as { tenants: { name: string }[] };
    expect(list.tenants.map((t) => t.name)).toEqual(names);
    expect(await (await app.request('/acme/users')).json()).toEqual({ acme: ['alice', 'bob'] });
  };

  beforeAll(async () => {
    environment = createTestEnvironment(driver, `apisafe${driver}`);
    prefix = environment.prefix;
    registryDb = `${prefix}registry`;
    let env = environment.env;
    if (driver === 'sqlite') {
      const folder = dirname(environment.env.DATABASE_URL!.slice('sqlite:'.length));
      env = { DATABASE_URL: `sqlite:${folder}/${registryDb}.db`, TENANCY_DB_PREFIX: prefix, TENANCY_SERVERS: `default=sqlite:${folder}` };
    }
    tenancy = createTenancy(product, { env, runtime: nodeRuntime() });
    await tenancy.registry.migrate();
    await tenancy.provisioner.create('acme');
    await (await tenancy.tenant('acme')).db.insertInto('users').values([{ username: 'alice' }, { username: 'bob' }]).execute();
    app = createApp({ tenancy, logger: silentLogger, adminToken: 's3cret' });
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await environment?.cleanup();
  });

  it('create answers 409 database_in_use naming the owner, and writes nothing', async () => {
    const refusals: [object, string][] = [
      [{ name: 'regx', database: registryDb }, `database ${registryDb} is the registry's database`],
      [{ name: 'regx', database: registryDb, adopt: true }, `database ${registryDb} is the registry's database`],
      [{ name: 'registry' }, `database ${registryDb} is the registry's database`],
      [{ name: 'registry', adopt: true }, `database ${registryDb} is the registry's database`],
      [{ name: 'thief', database: `${prefix}acme` }, `database ${prefix}acme belongs to tenant acme`],
      [{ name: 'thief', database: `${prefix}acme`, adopt: true }, `database ${prefix}acme belongs to tenant acme`],
      [{ name: 'sneaky', database: 'mysql', adopt: true }, 'database mysql is a schema of the database server itself'],
    ];
    for (const [body, message] of refusals) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: 'database_in_use', message });
    }
    const bad = await post({ name: 'odd', database: 'a/b' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('invalid_input');
    await intact(['acme']);
  });

  it('create adopts an existing database when asked, as the CLI does', async () => {
    const database = `${prefix}legacy_db`;
    await tenancy.connections.server('default').createDatabase(database);
    const refused = await post({ name: 'legacy', database });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('database_exists');
    const adopted = await post({ name: 'legacy', database, adopt: true });
    expect(adopted.status).toBe(201);
    expect(await adopted.json()).toMatchObject({ name: 'legacy', database, status: 'active' });
    const deleted = await app.request('/admin/tenants/legacy', { method: 'DELETE', headers: auth });
    expect(deleted.status).toBe(200);
    expect(await tenancy.connections.server('default').databaseExists(database)).toBe(false);
    await intact(['acme']);
  });

  it("delete answers 409 for a row that names the registry's database, and drops nothing", async () => {
    expect((await post({ name: 'victim' })).status).toBe(201);
    // A hand edit of the registry table, over a plain connection to the registry database.
    await tenancy.connections
      .server('default')
      .migrationDatabase(registryDb)
      .updateTable('tenants')
      .set({ database_name: registryDb })
      .where('name_key', '=', 'victim')
      .execute();
    const res = await app.request('/admin/tenants/victim', { method: 'DELETE', headers: auth });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorBody).error).toMatchObject({
      code: 'database_in_use',
      message: `database ${registryDb} is the registry's database; it was not dropped`,
    });
    expect(await tenancy.connections.server('default').holdsRegistry(registryDb)).toBe(true);
    await intact(['acme', 'victim']);
    await tenancy.provisioner.delete('victim', { keepDatabase: true });
    await tenancy.connections.server('default').dropDatabase(`${prefix}victim`);
  });
});
