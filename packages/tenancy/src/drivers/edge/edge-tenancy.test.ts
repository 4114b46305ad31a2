import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotesDatabase, notesProduct } from '../../../test/fixture-product.js';
import { ConfigError, TenantNotFoundError } from '../../errors.js';
import type { Tenancy } from '../../tenancy.js';
import { createTenancy } from '../../create-tenancy.js';
import { loadConfig } from '../../config.js';
import { nodeRuntime } from '../../node.js';
import { TEST_MYSQL_URL, type TestEnvironment, createTestEnvironment } from '../../testing/index.js';
import { edgeRuntime, serveInRequestScope } from './edge-tenancy.js';
import { type HyperdriveBinding, RequestScope, openRequestConnections } from './request-scope.js';

describe('the edge settings', () => {
  it('read hyperdrive:// URLs and the usual variables, ignoring bindings', () => {
    const config = loadConfig({
      DATABASE_URL: 'hyperdrive://HYPERDRIVE/registry_db',
      TENANCY_SERVERS: 'default=hyperdrive://HYPERDRIVE, eu=hyperdrive://HD_EU',
      TENANCY_DB_PREFIX: 'acme_',
      TENANCY_CACHE_TTL_MS: '1000',
      HYPERDRIVE: { connectionString: 'mysql://u:p@h/d' },
    });
    expect(config).toMatchObject({
      registry: { kind: 'hyperdrive', binding: 'HYPERDRIVE', database: 'registry_db' },
      servers: [
        { name: 'default', location: { kind: 'hyperdrive', binding: 'HYPERDRIVE' } },
        { name: 'eu', location: { kind: 'hyperdrive', binding: 'HD_EU' } },
      ],
      dbPrefix: 'acme_',
      cacheTtlMs: 1000,
    });
  });

  it('default the one server to the registry binding', () => {
    const config = loadConfig({ DATABASE_URL: 'hyperdrive://HYPERDRIVE' });
    expect(config.registry).toEqual({ kind: 'hyperdrive', binding: 'HYPERDRIVE', database: undefined });
    expect(config.servers).toEqual([{ name: 'default', location: { kind: 'hyperdrive', binding: 'HYPERDRIVE', database: undefined } }]);
  });

  it('refuse a missing or non-Hyperdrive registry or server with a ConfigError, before anything opens', () => {
    const on = (env: Record<string, string>) => () => createTenancy(notesProduct, { env, runtime: edgeRuntime() });
    expect(on({})).toThrow(ConfigError);
    expect(on({})).toThrow('DATABASE_URL must be set on workers, e.g. hyperdrive://<BINDING>[/<database>]');
    expect(on({ DATABASE_URL: 'mysql://root@127.0.0.1/tenantry' })).toThrow(/cannot be reached on workers; use hyperdrive:\/\//);
    expect(on({ DATABASE_URL: 'hyperdrive://HYPERDRIVE', TENANCY_SERVERS: 'x' })).toThrow(ConfigError);
    expect(on({ DATABASE_URL: 'hyperdrive://HYPERDRIVE', TENANCY_SERVERS: 'eu=sqlite:/tmp/t' })).toThrow(
      'TENANCY_SERVERS (eu): sqlite:/tmp/t cannot be reached on workers',
    );
    for (const url of ['hyperdrive://not a binding', 'hyperdrive://NO-DASH', 'hyperdrive://', 'hyperdrive://B/db/more']) {
      expect(() => loadConfig({ DATABASE_URL: url }), url).toThrow(/expected hyperdrive:\/\/<BINDING>\[\/<database>\]/);
    }
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
  let admin: Tenancy<NotesDatabase>;
  let edge: Tenancy<NotesDatabase>;
  let bindings: Record<string, unknown>;

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'edge');
    admin = createTenancy(notesProduct, { env: env.env, runtime: nodeRuntime() });
    await admin.registry.migrate();
    for (const [name, titles] of [['TenantA', ['userA', 'userB']], ['TenantB', ['userA', 'userC']]] as const) {
      const record = await admin.provisioner.create(name);
      await admin.connections.forTenant(record).insertInto('notes').values(titles.map((title) => ({ title }))).execute();
    }
    bindings = { HYPERDRIVE: binding(`${env.prefix}registry`) };
    edge = createTenancy(notesProduct, {
      env: { DATABASE_URL: `hyperdrive://HYPERDRIVE/${env.prefix}registry`, TENANCY_DB_PREFIX: env.prefix },
      runtime: edgeRuntime(),
    });
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
      const rows = await db.selectFrom('notes').select('title').orderBy('id').execute();
      expect(openRequestConnections()).toBe(1);
      return Response.json({ TenantA: rows.map((r) => r.title) });
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
