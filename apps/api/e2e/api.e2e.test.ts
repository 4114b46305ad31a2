import { createClient } from '@tenantry/client';
import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType } from '../src/app.js';
import { contractCases, errorCode, seedContractTenants } from './contract-cases.js';
import { type RunningServer, adminTenancy, eventually, startServer } from './helpers.js';

const CACHE_TTL_MS = 1_500;
const MANY_TENANTS = 30;
const ADMIN_TOKEN = 'e2e-admin-s3cret';

describe.each(TEST_DRIVERS)('the Node server on %s', (driver) => {
  let env: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  let server: RunningServer;

  beforeAll(async () => {
    env = createTestEnvironment(driver, `api-${driver}`);
    tenancy = await adminTenancy(env.env);
    await seedContractTenants(tenancy, MANY_TENANTS);
    server = await startServer({ ...env.env, TENANCY_CACHE_TTL_MS: String(CACHE_TTL_MS), ADMIN_TOKEN });
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await tenancy?.destroy();
    await env?.cleanup();
  });

  contractCases(
    () => ({ url: server.url, prefix: env.prefix, admin: tenancy, cacheTtlMs: CACHE_TTL_MS }),
    { tenants: MANY_TENANTS, requests: MANY_TENANTS * 100, concurrency: 200 },
  );

  it('serves /healthz, /readyz and /metrics', async () => {
    const client = createClient<AppType>(server.url);
    expect((await (await client.healthz.$get()).json()).status).toBe('ok');
    expect((await (await client.readyz.$get()).json()).status).toBe('ready');
    const metrics = await (await client.metrics.$get()).text();
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

  it('serves the admin API to the bearer of ADMIN_TOKEN only', async () => {
    const tenants = createClient<AppType>(server.url, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).admin.tenants;
    const param = { name: 'ViaAdmin' };
    const created = await tenants.$post({ json: { name: 'ViaAdmin' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'ViaAdmin', status: 'active', server: 'default', schemaVersion: expect.any(Number) });
    expect((await tenants.$post({ json: { name: 'ViaAdmin' } })).status).toBe(409);

    const listed = await (await tenants.$get({ query: { limit: '1000' } })).json();
    expect(listed.tenants.map((t) => t.name)).toContain('ViaAdmin');
    expect(listed.next).toBeNull();
    expect((await (await tenants[':name'].$get({ param })).json()).database).toBe(`${env.prefix}viaadmin`);

    expect((await (await tenants[':name'].suspend.$post({ param })).json()).status).toBe('suspended');
    expect((await fetch(`${server.url}/ViaAdmin/users`)).status).toBe(403);
    expect((await (await tenants[':name'].resume.$post({ param })).json()).status).toBe('active');
    expect(await (await fetch(`${server.url}/ViaAdmin/users`)).text()).toBe('{"ViaAdmin":[]}');
    expect((await (await tenants[':name'].$delete({ param })).json()).name).toBe('ViaAdmin');
    expect((await fetch(`${server.url}/ViaAdmin/users`)).status).toBe(404);

    const anonymous = await createClient<AppType>(server.url).admin.tenants.$get({ query: {} });
    expect(anonymous.status).toBe(401);
    expect(await errorCode(anonymous)).toBe('unauthorized');
    expect(server.output()).not.toContain(ADMIN_TOKEN);
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
