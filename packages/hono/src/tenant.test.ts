import { type Tenancy, createTenancy, defineConfig, silentLogger } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { TEST_DRIVERS, TEST_MYSQL_URL, TcpProxy, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { Context, Hono } from 'hono';
import type { Generated, Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from './error-handler.js';
import type { ErrorBody } from './errors.js';
import { requestId } from './request-id.js';
import { type IdentifyOptions, resolveTenant } from './tenant.js';
import type { TenancyEnv, TenantLookup } from './types.js';

/** A product's own tenant schema: the table is this test's, not the core's. */
interface NotesDB {
  notes: { id: Generated<number>; body: string };
}

const notesProduct = defineConfig<NotesDB>({
  migrations: {
    '0001_notes': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('notes')
          .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
          .addColumn('body', 'varchar(100)', (col) => col.notNull())
          .execute();
      },
    },
  },
});

/** The product's tenancy on Node over a test environment's settings. */
const notesTenancy = (env: Record<string, string>): Tenancy<NotesDB> => createTenancy(notesProduct, { runtime: nodeRuntime(), env });

/** An app as a product would write it: the tenant's notes, read through `c.var.db`. */
function notesApp(tenancy: TenantLookup<NotesDB>, identify: IdentifyOptions = {}) {
  const byPath = (identify.identify ?? 'path') === 'path';
  const app = new Hono<TenancyEnv<NotesDB>>();
  app.use(requestId());
  app.onError(errorHandler({ logger: silentLogger }));
  app.notFound(notFoundHandler());
  app.use(byPath ? '/:tenant/*' : '/notes', resolveTenant({ tenancy, ...identify }));
  app.get(byPath ? '/:tenant/notes' : '/notes', async (c) => {
    const notes = await c.var.db.selectFrom('notes').select('body').orderBy('id').execute();
    return c.json({ name: c.var.tenantName, tenant: c.var.tenant.name, notes: notes.map((n) => n.body) });
  });
  return app;
}

const body = async (res: Response) => (await res.json()) as ErrorBody;

async function seed(tenancy: Tenancy<NotesDB>): Promise<void> {
  for (const [name, notes] of [
    ['Acme', ['a1', 'a2']],
    ['Globex', ['g1']],
  ] as const) {
    await tenancy.provisioner.create(name);
    const { db } = await tenancy.tenant(name);
    await db.insertInto('notes').values(notes.map((text) => ({ body: text }))).execute();
  }
  await tenancy.provisioner.create('Paused');
  await tenancy.provisioner.suspend('Paused');
}

describe.each(TEST_DRIVERS)('resolveTenant over a real %s tenancy', (driver) => {
  let env: TestEnvironment;
  let tenancy: Tenancy<NotesDB>;

  beforeAll(async () => {
    env = createTestEnvironment(driver, `hono-${driver}`);
    tenancy = notesTenancy(env.env);
    await tenancy.registry.migrate();
    await seed(tenancy);
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('by path: `:tenant` names the tenant, c.var holds its record, its Kysely and the name as given', async () => {
    const app = notesApp(tenancy);
    expect(await (await app.request('/Acme/notes')).json()).toEqual({ name: 'Acme', tenant: 'Acme', notes: ['a1', 'a2'] });
    expect(await (await app.request('/globex/notes')).json()).toEqual({ name: 'globex', tenant: 'Globex', notes: ['g1'] });
  });

  it('by host: <tenant>.<baseDomain>, lower-cased as host names are', async () => {
    const app = notesApp(tenancy, { identify: 'host', baseDomain: 'example.test' });
    expect(await (await app.request('http://Acme.example.test:8080/notes')).json()).toEqual({ name: 'acme', tenant: 'Acme', notes: ['a1', 'a2'] });
    for (const host of ['example.test', 'a.b.example.test', 'Acme.example.other', 'nobody.example.test']) {
      const res = await app.request(`http://${host}/notes`);
      expect(res.status, host).toBe(404);
      expect(['invalid_tenant_name', 'tenant_not_found']).toContain((await body(res)).error.code);
    }
  });

  it('by header: X-Tenant; a request without it is 400', async () => {
    const app = notesApp(tenancy, { identify: 'header' });
    expect(await (await app.request('/notes', { headers: { 'X-Tenant': 'Globex' } })).json()).toEqual({ name: 'Globex', tenant: 'Globex', notes: ['g1'] });
    const missing = await app.request('/notes');
    expect(missing.status).toBe(400);
    expect((await body(missing)).error.code).toBe('invalid_input');
  });

  it('answers unknown 404, suspended 403 and hostile names 404, with the request id, from cache or not', async () => {
    for (const app of [notesApp(tenancy), notesApp(tenancy)]) {
      for (let round = 0; round < 2; round++) {
        const unknown = await app.request('/Nobody/notes', { headers: { 'X-Request-Id': 'rid-unknown' } });
        expect(unknown.status).toBe(404);
        expect(await unknown.json()).toEqual({
          error: { code: 'tenant_not_found', message: 'tenant "Nobody" does not exist', requestId: 'rid-unknown' },
        });
        const paused = await app.request('/Paused/notes');
        expect(paused.status).toBe(403);
        expect((await body(paused)).error.code).toBe('tenant_suspended');
        for (const name of ["a'b", 'a%00b', '..%2fAcme', 'admin', 'x'.repeat(300), `${env.prefix}registry`, '%E0%A4%A']) {
          const res = await app.request(`/${name}/notes`);
          expect(res.status, name).toBe(404);
          const error = (await body(res)).error;
          expect(['invalid_tenant_name', 'tenant_not_found'], name).toContain(error.code);
          expect(error.requestId).toBe(res.headers.get('x-request-id'));
        }
      }
    }
  });

  it('serves from a door that answers a cached tenant without a promise', async () => {
    const app = notesApp(tenancy);
    await app.request('/Acme/notes');
    expect(tenancy.tenant('Acme')).not.toBeInstanceOf(Promise);
    expect(await (await app.request('/Acme/notes')).json()).toEqual({ name: 'Acme', tenant: 'Acme', notes: ['a1', 'a2'] });
  });

  it('hands back next() as it is, with no promise of its own, when the door answers at once', async () => {
    await tenancy.tenant('Globex');
    const middleware = resolveTenant({ tenancy: tenancy, identify: 'header' });
    const c = new Context(new Request('http://x.test/notes', { headers: { 'X-Tenant': 'Globex' } }));
    const fromNext = Promise.resolve();
    expect(middleware(c, () => fromNext)).toBe(fromNext);
    expect(c.get('tenant').name).toBe('Globex');
    expect(c.get('tenantName')).toBe('Globex');
    // A tenant the door must look up: a promise of the middleware's own.
    const d = new Context(new Request('http://x.test/notes', { headers: { 'X-Tenant': 'Acme' } }));
    tenancy.cache.invalidate('Acme');
    const pending = middleware(d, () => fromNext);
    expect(pending).not.toBe(fromNext);
    await pending;
    expect(d.get('db')).toBe((await tenancy.tenant('Acme')).db);
  });
});

// MySQL only: a SQLite "server" is a folder and cannot become unreachable.
describe('resolveTenant when MariaDB cannot be reached', () => {
  let env: TestEnvironment;
  let admin: Tenancy<NotesDB>;
  let through: Tenancy<NotesDB>;
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(TEST_MYSQL_URL).port || 3306));

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'hono-outage');
    admin = notesTenancy(env.env);
    await admin.registry.migrate();
    await seed(admin);
    const port = await proxy.start();
    const url = `mysql://root@127.0.0.1:${port}`;
    through = notesTenancy({ ...env.env, DATABASE_URL: `${url}/${env.prefix}registry`, TENANCY_SERVERS: `default=${url}` });
  });

  afterAll(async () => {
    await through?.destroy();
    await proxy.stop();
    await admin?.destroy();
    await env?.cleanup();
  });

  it('answers 503 with Retry-After: the registry for an unseen name, the database for a cached one', async () => {
    const app = notesApp(through);
    expect((await app.request('/Acme/notes')).status).toBe(200);
    await proxy.stop();
    try {
      const unseen = await app.request('/Globex/notes');
      expect(unseen.status).toBe(503);
      expect(unseen.headers.get('retry-after')).toBe('5');
      expect((await body(unseen)).error.code).toBe('registry_unavailable');
      const cached = await app.request('/Acme/notes', { headers: { 'X-Request-Id': 'rid-down' } });
      expect(cached.status).toBe(503);
      expect(cached.headers.get('retry-after')).toBe('5');
      expect(await body(cached)).toMatchObject({ error: { code: 'tenant_database_unavailable', requestId: 'rid-down' } });
    } finally {
      await proxy.start();
    }
  });
});
