import { type Tenancy, type TenancyLogger, createTenancy } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { seedDemo } from './demo.js';
import product from './product.js';
import type { TenantDatabase } from './schema.js';
import { createPrometheusMetrics } from './metrics/prometheus.js';
import { USERS_PAGE_SIZE } from './routes/users.js';

interface LogEntry {
  level: string;
  msg: string;
  fields: Record<string, unknown> | undefined;
}
function recordingLogger(entries: LogEntry[]): TenancyLogger {
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => entries.push({ level, msg, fields });
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe('createApp over a real SQLite tenancy', () => {
  let env: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  const logs: LogEntry[] = [];
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    env = createTestEnvironment('sqlite', 'api-app');
    tenancy = createTenancy(product, { env: env.env, runtime: nodeRuntime() });
    await tenancy.registry.migrate();
    await seedDemo(tenancy);
    const metrics = createPrometheusMetrics({
      cacheStats: () => tenancy.cache.stats,
      poolStats: () => tenancy.connections.stats(),
      processMetrics: false,
    });
    app = createApp({ tenancy, logger: recordingLogger(logs), metrics, adminToken: 's3cret' });
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('answers GET /:tenant/users in the original shape', async () => {
    const res = await app.request('/TenantA/users');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.text()).toBe('{"TenantA":["userA","userB"]}');
    const b = await app.request('/TenantB/users', { headers: { 'X-Request-Id': 'rid-b' } });
    expect(b.headers.get('x-request-id')).toBe('rid-b');
    expect(await b.text()).toBe('{"TenantB":["userA","userC"]}');
  });

  it('answers a tenant with exactly one full page of users, and one user more', async () => {
    await tenancy.provisioner.create('Full');
    const { db } = await tenancy.tenant('Full');
    const names = Array.from({ length: USERS_PAGE_SIZE }, (_, i) => `f${i}`);
    await db.insertInto('users').values(names.map((username) => ({ username }))).execute();
    expect(await (await app.request('/Full/users')).json()).toEqual({ Full: names });
    await db.insertInto('users').values({ username: 'last' }).execute();
    expect(await (await app.request('/Full/users')).json()).toEqual({ Full: [...names, 'last'] });
  });

  it('streams a tenant larger than one page, in id order', async () => {
    await tenancy.provisioner.create('Big');
    const { db } = await tenancy.tenant('Big');
    const names = Array.from({ length: 2_345 }, (_, i) => `u${i}`);
    for (let i = 0; i < names.length; i += 500) {
      await db.insertInto('users').values(names.slice(i, i + 500).map((username) => ({ username }))).execute();
    }
    const res = await app.request('/Big/users', { headers: { 'X-Request-Id': 'rid-big' } });
    expect(res.headers.get('x-request-id')).toBe('rid-big');
    expect(await res.json()).toEqual({ Big: names });
  });

  it('answers unknown and impossible names 404, reserved ones too, with the request id', async () => {
    for (const path of ['/Nobody/users', "/a'b/users", '/healthz/users', '/metrics/users', '/mysql/users', `/${'x'.repeat(300)}/users`]) {
      const res = await app.request(path);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as ErrorBody;
      expect(['tenant_not_found', 'invalid_tenant_name']).toContain(body.error.code);
      expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a hostile one', async () => {
    const kept = await app.request('/Nobody/users', { headers: { 'X-Request-Id': 'abc-123' } });
    expect(((await kept.json()) as ErrorBody).error.requestId).toBe('abc-123');
    const replaced = await app.request('/Nobody/users', { headers: { 'X-Request-Id': 'a b"<script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('looks the tenant up once per request', async () => {
    await app.request('/TenantA/users');
    const before = { ...tenancy.cache.stats };
    for (const path of ['/TenantA/users', '/TenantA/users/1']) await app.request(path);
    expect(tenancy.cache.stats.hits - before.hits).toBe(2);
    expect(tenancy.cache.stats.misses).toBe(before.misses);
  });

  it('answers a route that does not exist 404 without asking the registry', async () => {
    const misses = tenancy.cache.stats.misses;
    const res = await app.request('/Whatever/posts');
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
    expect(tenancy.cache.stats.misses).toBe(misses);
  });

  it('answers a suspended tenant 403 and an active one again after resume', async () => {
    await tenancy.provisioner.create('Paused');
    await tenancy.provisioner.suspend('Paused');
    const res = await app.request('/Paused/users');
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorBody).error.code).toBe('tenant_suspended');
    // Again, now answered from the cache (the middleware throws without a promise).
    const again = await app.request('/Paused/users');
    expect(again.status).toBe(403);
    expect(((await again.json()) as ErrorBody).error.requestId).toBe(again.headers.get('x-request-id'));
    await tenancy.provisioner.resume('Paused');
    expect((await app.request('/Paused/users')).status).toBe(200);
  });

  it('creates, reads and deletes a user; bad input is 400', async () => {
    const created = await app.request('/TenantA/users', {
      method: 'POST',
      body: JSON.stringify({ username: '  userE  ' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: number; username: string };
    expect(user.username).toBe('userE');
    expect(await (await app.request(`/TenantA/users/${user.id}`)).json()).toEqual(user);
    expect((await app.request(`/TenantA/users/${user.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await app.request(`/TenantA/users/${user.id}`)).status).toBe(404);

    const bad = await app.request('/TenantA/users', {
      method: 'POST',
      body: JSON.stringify({ username: 'x'.repeat(101) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error).toMatchObject({ code: 'invalid_input', message: expect.stringContaining('username') });
    expect((await app.request('/TenantA/users/abc')).status).toBe(400);
  });

  it('logs one line per request with tenant, route, status and duration', async () => {
    logs.length = 0;
    await app.request('/TenantB/users', { headers: { 'X-Request-Id': 'log-1' } });
    const lines = logs.filter((l) => l.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({
      requestId: 'log-1',
      method: 'GET',
      route: '/:tenant/users',
      path: '/TenantB/users',
      tenant: 'TenantB',
      status: 200,
      durationMs: expect.any(Number),
    });
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' });
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^tenantry_http_requests_total\{method="GET",route="\/:tenant\/users",status="200"\} [1-9]/m);
    expect(text).toMatch(/^tenantry_http_requests_total\{method="GET",route="\/:tenant\/users",status="404"\} [1-9]/m);
    expect(text).toMatch(/^tenantry_tenant_cache_hits_total [1-9]/m);
    expect(text).toMatch(/^tenantry_pool_connections_idle\{server="default"\} \d+/m);
  });

  describe('admin routes', () => {
    const auth = { authorization: 'Bearer s3cret', 'content-type': 'application/json' };

    it('refuse a request without the bearer token', async () => {
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 's3cret' }] as Record<string, string>[]) {
        const res = await app.request('/admin/tenants', { headers });
        expect(res.status).toBe(401);
        expect(((await res.json()) as ErrorBody).error.code).toBe('unauthorized');
      }
    });

    it('create, list, suspend, resume and delete a tenant', async () => {
      const created = await app.request('/admin/tenants', { method: 'POST', headers: auth, body: '{"name":"ViaAdmin"}' });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ name: 'ViaAdmin', status: 'active', server: 'default' });
      expect((await app.request('/admin/tenants', { method: 'POST', headers: auth, body: '{"name":"ViaAdmin"}' })).status).toBe(409);
      expect((await app.request('/admin/tenants', { method: 'POST', headers: auth, body: '{"name":"bad name"}' })).status).toBe(404);
      const list = (await (await app.request('/admin/tenants?limit=1000', { headers: auth })).json()) as { tenants: { name: string }[] };
      expect(list.tenants.map((t) => t.name)).toContain('ViaAdmin');
      expect((await app.request('/admin/tenants?limit=0', { headers: auth })).status).toBe(400);

      expect((await app.request('/admin/tenants/ViaAdmin/suspend', { method: 'POST', headers: auth })).status).toBe(200);
      expect((await app.request('/ViaAdmin/users')).status).toBe(403);
      expect((await app.request('/admin/tenants/ViaAdmin/resume', { method: 'POST', headers: auth })).status).toBe(200);
      expect(await (await app.request('/ViaAdmin/users')).text()).toBe('{"ViaAdmin":[]}');
      expect((await app.request('/admin/tenants/ViaAdmin', { method: 'DELETE', headers: auth })).status).toBe(200);
      expect((await app.request('/ViaAdmin/users')).status).toBe(404);
      expect((await app.request('/admin/tenants/ViaAdmin', { headers: auth })).status).toBe(404);
    });
  });

  describe('other ways to name the tenant', () => {
    it('by header: X-Tenant, routes at /users', async () => {
      const byHeader = createApp({ tenancy, logger: recordingLogger([]), identify: 'header' });
      const res = await byHeader.request('/users', { headers: { 'X-Tenant': 'TenantB' } });
      expect(await res.text()).toBe('{"TenantB":["userA","userC"]}');
      expect((await byHeader.request('/users', { headers: { 'X-Tenant': "x' or 1=1" } })).status).toBe(404);
      const missing = await byHeader.request('/users');
      expect(missing.status).toBe(400);
      expect((await byHeader.request('/TenantA/users')).status).toBe(404);
    });

    it('by host: <tenant>.<base domain>', async () => {
      const byHost = createApp({ tenancy, logger: recordingLogger([]), identify: 'host', baseDomain: 'example.test' });
      // Host names are case-insensitive: the key is the name as the (lower-cased) host gives it.
      const res = await byHost.request('http://TenantA.example.test:8080/users');
      expect(await res.text()).toBe('{"tenanta":["userA","userB"]}');
      for (const host of ['example.test', 'a.b.example.test', 'TenantA.example.other', 'nobody.example.test']) {
        const r = await byHost.request(`http://${host}/users`);
        expect(r.status, host).toBe(404);
      }
      expect((await byHost.request('http://TenantA.example.test/users/1')).status).toBe(200);
    });
  });

  it('admin routes are absent without a token, and /metrics without metrics', async () => {
    const bare = createApp({ tenancy, logger: recordingLogger([]) });
    expect((await bare.request('/admin/tenants')).status).toBe(404);
    expect((await bare.request('/metrics')).status).toBe(404);
  });
});
