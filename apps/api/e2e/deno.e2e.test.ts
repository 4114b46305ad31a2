// The Deno entry (dist/runtimes/deno.js under the `deno` npm package's binary) on MariaDB, against
// the same contract cases as the Node server and the Worker.
import { createClient } from '@tenantry/client';
import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType } from '../src/app.js';
import { contractCases, seedContractTenants } from './contract-cases.js';
import { type RunningServer, adminTenancy, denoCommand, startServer } from './helpers.js';

const CACHE_TTL_MS = 1_500;
const TENANTS = 10;

describe('the Deno server on MariaDB', () => {
  let env: TestEnvironment;
  let admin: Tenancy<TenantDatabase>;
  let server: RunningServer;

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'deno');
    admin = await adminTenancy(env.env);
    await seedContractTenants(admin, TENANTS);
    server = await startServer({ ...env.env, TENANCY_CACHE_TTL_MS: String(CACHE_TTL_MS) }, 60_000, denoCommand());
  });

  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    await admin?.destroy();
    await env?.cleanup();
  });

  it('runs on Deno and serves /healthz and /readyz', async () => {
    expect(server.output()).toContain('"runtime":"deno"');
    const client = createClient<AppType>(server.url);
    expect(await (await client.healthz.$get()).json()).toEqual({ status: 'ok' });
    expect(await (await client.readyz.$get()).json()).toEqual({ status: 'ready' });
  });

  contractCases(() => ({ url: server.url, prefix: env.prefix, admin, cacheTtlMs: CACHE_TTL_MS }), {
    tenants: TENANTS,
    requests: 500,
    concurrency: 50,
  });
});
