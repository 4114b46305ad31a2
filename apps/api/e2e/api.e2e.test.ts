import type { Tenancy } from '@tenantry/tenancy';
import { seedDemo } from '@tenantry/tenancy';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, adminTenancy, eventually, rawGet, runConcurrently, startServer } from './helpers.js';

const CACHE_TTL_MS = 1_500;
const MANY_TENANTS = 30;
const manyName = (i: number) => `Many${String(i).padStart(2, '0')}`;

describe.each(TEST_DRIVERS)('the Node server on %s', (driver) => {
  let env: TestEnvironment;
  let tenancy: Tenancy;
  let server: RunningServer;

  beforeAll(async () => {
    env = createTestEnvironment(driver, `api-${driver}`);
    tenancy = await adminTenancy(env.env);
    await seedDemo(tenancy);
    const created = await tenancy.provisioner.createMany(
      Array.from({ length: MANY_TENANTS }, (_, i) => manyName(i)),
      { concurrency: 8 },
    );
    expect(created.filter((r) => r.status !== 'created')).toEqual([]);
    for (let i = 0; i < MANY_TENANTS; i++) {
      const { db } = await tenancy.tenant(manyName(i));
      await db.insertInto('users').values({ username: `only-${manyName(i)}` }).execute();
    }
    server = await startServer({ ...env.env, TENANCY_CACHE_TTL_MS: String(CACHE_TTL_MS) });
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('answers the original shape for TenantA and TenantB', async () => {
    for (const [name, body] of [
      ['TenantA', '{"TenantA":["userA","userB"]}'],
      ['TenantB', '{"TenantB":["userA","userC"]}'],
    ] as const) {
      const res = await fetch(`${server.url}/${name}/users`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe(body);
    }
  });

  it('keys the answer by the name as the URL gives it (names are case-insensitive)', async () => {
    const res = await fetch(`${server.url}/tenanta/users`);
    expect(await res.json()).toEqual({ tenanta: ['userA', 'userB'] });
  });

  it('answers 404 with the error body for an unknown tenant', async () => {
    const res = await fetch(`${server.url}/TenantC/users`, { headers: { 'X-Request-Id': 'e2e-unknown-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'tenant_not_found', message: 'tenant "TenantC" does not exist', requestId: 'e2e-unknown-1' },
    });
  });

  it('never answers a hostile name with a 5xx or with data', async () => {
    const hostile = [
      "TenantA'",
      "TenantA'%20OR%20'1'='1",
      'TenantA"',
      'TenantA%00',
      '%00',
      'TenantA%00.users',
      '..',
      '%2e%2e',
      '%2e%2e%2fTenantA',
      'TenantA%2fusers',
      '.',
      'a'.repeat(300),
      'A'.repeat(64),
      encodeURIComponent('Ténant'),
      encodeURIComponent('租户'),
      encodeURIComponent('TenantA\u202e'),
      '%E0%A4%A',
      '%',
      'mysql',
      'information_schema',
      'performance_schema',
      'sys',
      'MYSQL',
      'tenant_tenanta',
      `${env.prefix}tenanta`,
      `${env.prefix}registry`,
      'healthz',
      'metrics',
      'admin',
      'TenantA;DROP%20DATABASE%20x',
      '`TenantA`',
      'TenantA%20',
      '-TenantA',
      '_TenantA',
    ];
    for (const name of hostile) {
      for (const path of [`/${name}/users`, `/${name}/users/1`]) {
        const res = await rawGet(server.port, path);
        expect(res.status, `${path} -> ${res.status} ${res.body}`).toBeLessThan(500);
        expect(res.status, path).not.toBe(200);
        expect(res.body, path).not.toMatch(/user[ABC]/);
      }
    }
    // Header and body variants of the same idea reach no data either.
    const res = await rawGet(server.port, '/%27/users', { 'X-Tenant': 'TenantA', Host: 'TenantA.example.com' });
    expect(res.status).toBe(404);
  });

  it('creates, reads and deletes users, and validates input', async () => {
    const base = `${server.url}/TenantB/users`;
    const post = (body: string, type = 'application/json') =>
      fetch(base, { method: 'POST', body, headers: { 'content-type': type } });

    const created = await post(JSON.stringify({ username: 'userZ' }));
    expect(created.status).toBe(201);
    const user = (await created.json()) as { id: number; username: string };
    expect(user).toEqual({ id: expect.any(Number), username: 'userZ' });

    expect(await (await fetch(`${base}/${user.id}`)).json()).toEqual(user);
    expect(await (await fetch(base)).json()).toEqual({ TenantB: ['userA', 'userC', 'userZ'] });
    // The other tenant does not see it.
    expect(await (await fetch(`${server.url}/TenantA/users`)).json()).toEqual({ TenantA: ['userA', 'userB'] });

    expect((await fetch(`${base}/${user.id}`, { method: 'DELETE' })).status).toBe(204);
    const gone = await fetch(`${base}/${user.id}`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('user_not_found');
    expect((await fetch(`${base}/${user.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await (await fetch(base)).json()).toEqual({ TenantB: ['userA', 'userC'] });

    const bad: [string, string?][] = [
      ['{}'],
      ['{"username":""}'],
      ['{"username":"   "}'],
      ['{"username":42}'],
      ['{"username":null}'],
      [JSON.stringify({ username: 'x'.repeat(101) })],
      [JSON.stringify({ username: 'a\u0000b' })],
      ['{"username":'],
      ['not json'],
      ['[]'],
      ['"userQ"'],
      ['username=userQ', 'application/x-www-form-urlencoded'],
    ];
    for (const [body, type] of bad) {
      const res = await post(body, type);
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code, body).toBe('invalid_input');
    }
    const huge = await post(JSON.stringify({ username: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%00']) {
      expect((await rawGet(server.port, `/TenantB/users/${id}`)).status, id).toBe(400);
    }
    expect(await (await fetch(base)).json()).toEqual({ TenantB: ['userA', 'userC'] });
  });

  it('answers a suspended tenant 403 within the cache TTL, and serves it again once resumed', async () => {
    const name = 'Suspendable';
    await tenancy.provisioner.create(name);
    expect((await fetch(`${server.url}/${name}/users`)).status).toBe(200);

    // Another process's write: this Tenancy has no Redis, so only the server's TTL can tell it.
    const suspendedAt = Date.now();
    await tenancy.provisioner.suspend(name);
    const forbidden = await eventually(async () => {
      const res = await fetch(`${server.url}/${name}/users`);
      return res.status === 403 ? ((await res.json()) as { error: { code: string } }) : undefined;
    }, CACHE_TTL_MS + 3_000);
    expect(forbidden?.error.code).toBe('tenant_suspended');
    expect(Date.now() - suspendedAt).toBeLessThanOrEqual(CACHE_TTL_MS + 3_000);

    await tenancy.provisioner.resume(name);
    const ok = await eventually(
      async () => ((await fetch(`${server.url}/${name}/users`)).status === 200 ? true : undefined),
      CACHE_TTL_MS + 3_000,
    );
    expect(ok).toBe(true);
  });

  it(`never answers one tenant's request with another's data under ${MANY_TENANTS * 100} concurrent requests`, async () => {
    const count = MANY_TENANTS * 100;
    const results = await runConcurrently(count, 200, async (i) => {
      const name = manyName((i * 7 + (i >> 3)) % MANY_TENANTS);
      const res = await fetch(`${server.url}/${name}/users`);
      return { name, status: res.status, body: await res.text() };
    });
    const wrong = results.filter((r) => r.status !== 200 || r.body !== `{"${r.name}":["only-${r.name}"]}`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(new Set(results.map((r) => r.name)).size).toBe(MANY_TENANTS);
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^tenantry_http_requests_total\{method="GET",route="\/:tenant\/users",status="200"\} \d+/m);
    expect(metrics).toMatch(/^tenantry_http_request_duration_seconds_bucket\{/m);
    expect(metrics).toMatch(/^tenantry_tenant_cache_hits_total [1-9]\d*/m);
    expect(metrics).toMatch(/^tenantry_tenant_cache_misses_total [1-9]\d*/m);
    expect(metrics).toMatch(/^tenantry_tenant_cache_negative_hits_total \d+/m);
    expect(metrics).toMatch(/^tenantry_pool_connections_in_use\{server="default"\} \d+/m);
    expect(metrics).toMatch(/^tenantry_pool_connections_idle\{server="default"\} \d+/m);
    expect(metrics).toMatch(/^tenantry_pool_requests_waiting\{server="default"\} \d+/m);
    // Hostile paths never became route labels.
    expect(metrics).not.toMatch(/route="\/Tenant/);
  });

  it('logs one structured line per request, without secrets', async () => {
    await fetch(`${server.url}/TenantA/users`, { headers: { 'X-Request-Id': 'e2e-log-line', Authorization: 'Bearer hunter2' } });
    const line = await eventually(
      async () => server.output().split('\n').find((l) => l.includes('"requestId":"e2e-log-line"')),
      2_000,
    );
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'GET',
      route: '/:tenant/users',
      tenant: 'TenantA',
      status: 200,
      durationMs: expect.any(Number),
    });
    expect(server.output()).not.toContain('hunter2');
  });
});
