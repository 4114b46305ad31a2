import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { seedDemo } from '../src/demo.js';
import { TcpProxy, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, adminTenancy, eventually, startServer } from './helpers.js';

// MySQL only: a SQLite "server" is a folder and cannot become unreachable.
describe('the Node server when MariaDB goes away and comes back', () => {
  let env: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  let server: RunningServer;
  const proxy = new TcpProxy('127.0.0.1', Number(new URL(process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306').port || 3306));

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'api-outage');
    tenancy = await adminTenancy(env.env);
    await seedDemo(tenancy);
    const port = await proxy.start();
    // Registry and tenant databases both reached through the proxy; this test process goes direct.
    const through = `mysql://root@127.0.0.1:${port}`;
    server = await startServer({
      ...env.env,
      DATABASE_URL: `${through}/${env.prefix}registry`,
      TENANCY_SERVERS: `default=${through}`,
    });
  });

  afterAll(async () => {
    await proxy.start().catch(() => undefined);
    expect(await server?.stop()).toBe(0);
    await proxy.stop();
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('answers 503 with Retry-After while the server is unreachable, and recovers on its own', async () => {
    expect(await (await fetch(`${server.url}/TenantA/users`)).text()).toBe('{"TenantA":["userA","userB"]}');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    await proxy.stop();

    // A known tenant: the registry entry is cached, its database is not there.
    const down = await fetch(`${server.url}/TenantA/users`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await down.json()) as { error: { code: string } }).error.code).toBe('tenant_database_unavailable');

    // A name never seen: the registry cannot say, so 503, not 404.
    const unknown = await fetch(`${server.url}/NeverSeen/users`);
    expect(unknown.status).toBe(503);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('registry_unavailable');

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toMatch(/^\d+$/);

    // Impossible names need no database at all.
    expect((await fetch(`${server.url}/a'b/users`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const writes = await fetch(`${server.url}/TenantA/users`, {
      method: 'POST',
      body: '{"username":"lost"}',
      headers: { 'content-type': 'application/json' },
    });
    expect(writes.status).toBe(503);

    await proxy.start();

    const body = await eventually(async () => {
      const res = await fetch(`${server.url}/TenantA/users`);
      return res.status === 200 ? res.text() : undefined;
    }, 15_000, 200);
    expect(body).toBe('{"TenantA":["userA","userB"]}');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/NeverSeen/users`)).status).toBe(404);
    // The server stayed up throughout and logged the outage without a password. Its log lines
    // are written in batches every 50 ms: a quick outage can still be in the pending batch.
    expect(server.process.exitCode).toBeNull();
    const logged = await eventually(async () => (/"code":"tenant_database_unavailable"/.test(server.output()) ? true : undefined), 2_000, 20);
    expect(logged, server.output()).toBe(true);
  });
});
