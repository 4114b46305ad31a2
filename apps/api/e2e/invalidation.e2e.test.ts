import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { seedDemo } from '../src/demo.js';
import { TEST_DRIVERS, TEST_REDIS_URL, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, adminTenancy, closedPort, eventually, startServer } from './helpers.js';

const CHANNEL = 'tenantry:invalidate';
const LONG_TTL_MS = 600_000;

/**
 * Waits (bounded) until the server's Redis subscription is live, so the tests' first message is
 * not sent before it listens: a probe tenant, cached as unknown, is created, and an invalidation
 * for it is re-published until the server serves it.
 */
async function waitForSubscription(server: RunningServer, tenancy: Tenancy<TenantDatabase>, redis: Redis): Promise<void> {
  expect((await fetch(`${server.url}/RedisProbe/users`)).status).toBe(404);
  await tenancy.provisioner.create('RedisProbe');
  const ready = await eventually(async () => {
    await redis.publish(CHANNEL, JSON.stringify({ tenant: 'redisprobe' }));
    return (await fetch(`${server.url}/RedisProbe/users`)).status === 200 ? true : undefined;
  }, 10_000, 100);
  expect(ready).toBe(true);
}

describe.each(TEST_DRIVERS)('invalidation through Redis on %s', (driver) => {
  let env: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;
  let server: RunningServer;
  let redis: Redis;

  beforeAll(async () => {
    env = createTestEnvironment(driver, `api-redis-${driver}`);
    redis = new Redis(TEST_REDIS_URL);
    // The writer publishes through Redis, as the CLI does when REDIS_URL is set.
    tenancy = await adminTenancy({ ...env.env, REDIS_URL: TEST_REDIS_URL });
    await seedDemo(tenancy);
    server = await startServer({ ...env.env, REDIS_URL: TEST_REDIS_URL, TENANCY_CACHE_TTL_MS: String(LONG_TTL_MS) });
    await waitForSubscription(server, tenancy, redis);
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await tenancy?.destroy();
    redis?.disconnect();
    await env?.cleanup();
  });

  it('answers 403 at once after another process suspends a tenant, long before the TTL', async () => {
    expect((await fetch(`${server.url}/TenantA/users`)).status).toBe(200);
    await tenancy.provisioner.suspend('TenantA');
    const status = await eventually(async () => {
      const res = await fetch(`${server.url}/TenantA/users`);
      return res.status === 403 ? res.status : undefined;
    }, 3_000, 20);
    expect(status).toBe(403);

    await tenancy.provisioner.resume('TenantA');
    const back = await eventually(async () => {
      const res = await fetch(`${server.url}/TenantA/users`);
      return res.status === 200 ? res.text() : undefined;
    }, 3_000, 20);
    expect(back).toBe('{"TenantA":["userA","userB"]}');
  });

  it('sees a tenant created by another process at once', async () => {
    // Cached as unknown first; the creation's invalidation drops the negative entry.
    expect((await fetch(`${server.url}/LateComer/users`)).status).toBe(404);
    await tenancy.provisioner.create('LateComer');
    const status = await eventually(async () => {
      const res = await fetch(`${server.url}/LateComer/users`);
      return res.status === 200 ? res.status : undefined;
    }, 3_000, 20);
    expect(status).toBe(200);
  });
});

describe('a Redis that cannot be reached', () => {
  let env: TestEnvironment;
  let server: RunningServer;
  let tenancy: Tenancy<TenantDatabase>;

  beforeAll(async () => {
    env = createTestEnvironment('sqlite', 'api-noredis');
    tenancy = await adminTenancy(env.env);
    await seedDemo(tenancy);
    server = await startServer({ ...env.env, REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('does not stop the API serving', async () => {
    expect(await (await fetch(`${server.url}/TenantA/users`)).text()).toBe('{"TenantA":["userA","userB"]}');
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });
});
