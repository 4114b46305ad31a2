import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantNotFoundError, TenantSuspendedError, type Tenancy, type TenancyLogger } from '../src/index.js';
import { RedisInvalidationBus } from '../src/node.js';
import { TEST_REDIS_URL, type TestEnvironment, createTestEnvironment } from '../src/testing/index.js';
import { recordOf, sleep, testTenancy } from './support.js';

describe('invalidation over Redis', () => {
  let environment: TestEnvironment;
  const channel = `tenantry:test:${Math.random().toString(36).slice(2)}`;
  const open: Tenancy[] = [];
  const instance = (url = TEST_REDIS_URL, logger?: TenancyLogger) => {
    const tenancy = testTenancy(environment, {
      overrides: {
        cacheTtlMs: 600_000,
        invalidation: new RedisInvalidationBus({ url, channel, ...(logger ? { logger } : {}) }),
        ...(logger ? { logger } : {}),
      },
    });
    open.push(tenancy);
    return tenancy;
  };

  beforeAll(async () => {
    environment = createTestEnvironment('sqlite', 'redis');
    const setup = testTenancy(environment);
    await setup.registry.migrate();
    await setup.provisioner.create('shared');
    await setup.destroy();
  });
  afterAll(async () => {
    for (const tenancy of open) await tenancy.destroy();
    await environment.cleanup();
  });

  it('a change made by one instance reaches another at once, long before the TTL', async () => {
    const api = instance();
    const cli = instance();
    await sleep(300); // both subscribers connected
    expect((await recordOf(api, 'shared')).status).toBe('active');
    await cli.provisioner.suspend('shared');
    let seen: unknown;
    for (let i = 0; i < 50 && !(seen instanceof TenantSuspendedError); i++) {
      seen = await recordOf(api, 'shared').catch((e: unknown) => e);
      if (!(seen instanceof TenantSuspendedError)) await sleep(20);
    }
    expect(seen).toBeInstanceOf(TenantSuspendedError);
    await cli.provisioner.resume('shared');
    await sleep(200);
    expect((await recordOf(api, 'shared')).status).toBe('active');
  });

  it('a new tenant is visible at once despite a cached "not found"', async () => {
    const api = instance();
    const cli = instance();
    await sleep(300);
    await expect(recordOf(api, 'newcomer')).rejects.toBeInstanceOf(TenantNotFoundError);
    await cli.provisioner.create('newcomer');
    await sleep(200);
    expect((await recordOf(api, 'newcomer')).name).toBe('newcomer');
    await cli.provisioner.delete('newcomer');
  });

  it('a short-lived process publishes at once after it starts, and close() delivers it', async () => {
    const api = instance();
    await sleep(300);
    await recordOf(api, 'shared');
    const cli = testTenancy(environment, {
      overrides: { invalidation: new RedisInvalidationBus({ url: TEST_REDIS_URL, channel, publishOnly: true }) },
    });
    await cli.provisioner.suspend('shared'); // publishes right after the bus was created
    await cli.destroy();
    let seen: unknown;
    for (let i = 0; i < 50 && !(seen instanceof TenantSuspendedError); i++) {
      seen = await recordOf(api, 'shared').catch((e: unknown) => e);
      if (!(seen instanceof TenantSuspendedError)) await sleep(20);
    }
    expect(seen).toBeInstanceOf(TenantSuspendedError);
    const resumer = testTenancy(environment);
    await resumer.provisioner.resume('shared');
    await resumer.destroy();
  });

  it('an unreachable Redis never stops the work: writes succeed and the failure is logged', async () => {
    const warnings: string[] = [];
    const logger: TenancyLogger = { info() {}, warn: (m) => warnings.push(m), error() {} };
    const lonely = instance('redis://127.0.0.1:1', logger);
    await lonely.provisioner.suspend('shared');
    expect((await lonely.registry.get('shared'))?.status).toBe('suspended');
    await expect(recordOf(lonely, 'shared')).rejects.toBeInstanceOf(TenantSuspendedError);
    await lonely.provisioner.resume('shared');
    expect(warnings.some((w) => w.includes('invalidation'))).toBe(true);
  });
});
