import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, TenantNotFoundError } from '../../errors.js';
import { seedDemo } from '../../provisioning/demo.js';
import type { Tenancy } from '../../tenancy.js';
import { createTenancy } from '../../node.js';
import { loadConfig } from '../../config.js';
import { TEST_MYSQL_URL, type TestEnvironment, createTestEnvironment } from '../../testing/index.js';
import { createEdgeTenancy, loadEdgeConfig, serveInRequestScope } from './edge-tenancy.js';
import { type HyperdriveBinding, RequestScope, openRequestConnections } from './request-scope.js';

describe('loadEdgeConfig', () => {
  it('reads hyperdrive:// URLs and the usual variables, ignoring bindings', () => {
    const config = loadEdgeConfig({
      DATABASE_URL: 'hyperdrive://HYPERDRIVE/registry_db',
      TENANCY_SERVERS: 'default=hyperdrive://HYPERDRIVE, eu=hyperdrive://HD_EU',
      TENANCY_DB_PREFIX: 'acme_',
      TENANCY_CACHE_TTL_MS: '1000',
      ADMIN_TOKEN: 'secret',
      HYPERDRIVE: { connectionString: 'mysql://u:p@h/d' },
    });
    expect(config).toMatchObject({
      registry: { binding: 'HYPERDRIVE', database: 'registry_db' },
      servers: [
        { name: 'default', binding: 'HYPERDRIVE' },
        { name: 'eu', binding: 'HD_EU' },
      ],
      dbPrefix: 'acme_',
      cacheTtlMs: 1000,
      identify: 'path',
      adminToken: 'secret',
    });
  });

  it('defaults the registry database and the one server to the registry binding', () => {
    const config = loadEdgeConfig({ DATABASE_URL: 'hyperdrive://HYPERDRIVE' });
    expect(config.registry).toEqual({ binding: 'HYPERDRIVE', database: 'tenantry' });
    expect(config.servers).toEqual([{ name: 'default', binding: 'HYPERDRIVE' }]);
  });

  it('refuses a missing or non-Hyperdrive registry with a ConfigError', () => {
    expect(() => loadEdgeConfig({})).toThrow(ConfigError);
    expect(() => loadEdgeConfig({ DATABASE_URL: 'mysql://root@127.0.0.1/tenantry' })).toThrow(/hyperdrive:\/\//);
    expect(() => loadEdgeConfig({ DATABASE_URL: 'hyperdrive://HYPERDRIVE', TENANCY_SERVERS: 'x' })).toThrow(ConfigError);
  });
});

/** A stand-in for a Hyperdrive binding: the test MariaDB's address. */
function binding(database: string): HyperdriveBinding {
  const url = new URL(TEST_MYSQL_URL);
  return {
    connectionString: `${TEST_MYSQL_URL}/${database}`,
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
  };
}

describe('the edge tenancy (run on Node against MariaDB)', () => {
  let env: TestEnvironment;
  let admin: Tenancy;
  let edge: Tenancy;
  let bindings: Record<string, unknown>;

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'edge');
    admin = createTenancy(loadConfig(env.env));
    await admin.registry.migrate();
    await seedDemo(admin);
    bindings = { HYPERDRIVE: binding(`${env.prefix}registry`) };
    edge = createEdgeTenancy(
      loadEdgeConfig({ DATABASE_URL: `hyperdrive://HYPERDRIVE/${env.prefix}registry`, TENANCY_DB_PREFIX: env.prefix }),
    );
  });

  afterAll(async () => {
    await edge?.destroy();
    await admin?.destroy();
    await env?.cleanup();
  });

  it('serves a request on one connection, shared by the registry and the tenant, closed after the body', async () => {
    const waits: Promise<unknown>[] = [];
    const response = await serveInRequestScope(bindings, { waitUntil: (p) => waits.push(p) }, async () => {
      const { db } = await edge.tenant('TenantA');
      const rows = await db.selectFrom('users').select('username').orderBy('id').execute();
      expect(openRequestConnections()).toBe(1);
      return Response.json({ TenantA: rows.map((r) => r.username) });
    });
    expect(await response.json()).toEqual({ TenantA: ['userA', 'userB'] });
    await Promise.all(waits);
    expect(openRequestConnections()).toBe(0);
  });

  it('maps an unknown tenant as the core does, and refuses to query outside a request scope', async () => {
    await new RequestScope(bindings).run(async () => {
      await expect(async () => edge.tenant('Nobody')).rejects.toBeInstanceOf(TenantNotFoundError);
    });
    edge.cache.clear();
    await expect(async () => edge.tenant('TenantB')).rejects.toThrow(/no request scope/);
  });

  it('names the missing binding', async () => {
    const scope = new RequestScope({});
    await expect(scope.run(() => edge.registry.get('TenantA'))).rejects.toThrow(/no Hyperdrive binding named "HYPERDRIVE"/);
    await scope.close();
  });
});
