import { type Tenancy, createTenancy, silentLogger } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { type TestEnvironment, createTestEnvironment, withMysqlRoot } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import product from './product.js';
import type { TenantDatabase } from './schema.js';

/**
 * A tenant database made before products declared their own schema: the core itself applied
 * `0001_users` and recorded it in `tenantry_migration` (Kysely's migration table layout). The
 * seed product's migration has the same name in the same table, so it is current and served.
 */
describe('a tenant database made by the core before it shipped no schema', () => {
  let environment: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  let database: string;

  beforeAll(async () => {
    environment = createTestEnvironment('mysql', 'api-legacy');
    database = `${environment.prefix}legacy`;
    await withMysqlRoot(async (conn) => {
      await conn.query(`create database \`${database}\``);
      await conn.query(`create table \`${database}\`.tenantry_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`);
      await conn.query(`insert into \`${database}\`.tenantry_migration values ('0001_users', '2026-01-01T00:00:00.000Z')`);
      await conn.query(`create table \`${database}\`.users (id integer not null auto_increment primary key, username varchar(100) not null)`);
      await conn.query(`insert into \`${database}\`.users (username) values ('old1'), ('old2')`);
    });
    tenancy = createTenancy(product, { env: environment.env, runtime: nodeRuntime() });
    await tenancy.registry.migrate();
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await environment?.cleanup();
  });

  it('is adopted with nothing to apply, migrate reports it current, and its users are served', async () => {
    await tenancy.provisioner.create('Legacy', { database, adopt: true });
    const results = await tenancy.migrator.migrateAll(await tenancy.registry.list());
    expect(results).toEqual([expect.objectContaining({ tenant: 'Legacy', status: 'current', applied: [] })]);
    const applied = await withMysqlRoot(async (conn) => {
      const [rows] = await conn.query(`select name from \`${database}\`.tenantry_migration order by name`);
      return (rows as Array<{ name: string }>).map((r) => r.name);
    });
    expect(applied).toEqual(['0001_users']);
    const app = createApp({ tenancy, logger: silentLogger });
    const res = await app.request('/Legacy/users');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Legacy: ['old1', 'old2'] });
  });
});
