// The Worker entry in workerd (wrangler's unstable_startWorker), on the real MariaDB through a
// local Hyperdrive binding, against the same contract cases as the Node and Deno servers.
import { fileURLToPath } from 'node:url';
import { createClient } from '@tenantry/client';
import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { type TestEnvironment, createTestEnvironment, withMysqlRoot } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import type { AppType } from '../src/app.js';
import { contractCases, seedContractTenants } from './contract-cases.js';
import { EDGE_USER, createEdgeUser, edgeConnectionString } from './edge-support.js';
import { adminTenancy, eventually, runConcurrently } from './helpers.js';

const CACHE_TTL_MS = 1_500;
const TENANTS = 10;

describe('the Worker in workerd through Hyperdrive', () => {
  let env: TestEnvironment;
  let admin: Tenancy<TenantDatabase>;
  let worker: Awaited<ReturnType<typeof unstable_startWorker>>;
  let url: string;
  const output: string[] = [];

  beforeAll(async () => {
    env = createTestEnvironment('mysql', 'worker');
    await createEdgeUser();
    admin = await adminTenancy(env.env);
    await seedContractTenants(admin, TENANTS);

    // Keep wrangler off the network, and capture what workerd prints (its warnings included)
    // instead of flooding the test output.
    process.env.WRANGLER_SEND_METRICS = 'false';
    process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
    process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = edgeConnectionString(`${env.prefix}registry`);
    for (const stream of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    }
    const plain = (value: string) => ({ type: 'plain_text' as const, value });
    worker = await unstable_startWorker({
      config: fileURLToPath(new URL('../wrangler.jsonc', import.meta.url)),
      bindings: {
        DATABASE_URL: plain(`hyperdrive://HYPERDRIVE/${env.prefix}registry`),
        TENANCY_DB_PREFIX: plain(env.prefix),
        TENANCY_CACHE_TTL_MS: plain(String(CACHE_TTL_MS)),
      },
      // Without it, worker.fetch hangs here (see ../shared/TOOLCHAIN.md).
      build: { nodejsCompatMode: 'v2' },
      dev: { server: { hostname: '127.0.0.1', port: 0 }, inspector: false, persist: false, watch: false, logLevel: 'log' },
    });
    url = (await worker.url).origin;
  });

  afterAll(async () => {
    await worker?.dispose();
    vi.restoreAllMocks();
    delete process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE;
    await admin?.destroy();
    await env?.cleanup();
  });

  it('serves /healthz and /readyz (the registry through Hyperdrive)', async () => {
    const client = createClient<AppType>(url);
    expect(await (await client.healthz.$get()).json()).toEqual({ status: 'ok' });
    expect(await (await client.readyz.$get()).json()).toEqual({ status: 'ready' });
  });

  it('shares one registry lookup between concurrent first requests without hanging or a cross-request warning', async () => {
    // A tenant no request has asked for yet: its misses coalesce into one lru-cache fetch, made
    // on the first request's connection and awaited by the others.
    await admin.provisioner.create('Coalesced');
    const statuses = await runConcurrently(40, 40, async () => (await fetch(`${url}/Coalesced/users`, { signal: AbortSignal.timeout(10_000) })).status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(output.filter((line) => /different request|hung|I\/O on behalf/i.test(line))).toEqual([]);
  });

  contractCases(() => ({ url, prefix: env.prefix, admin, cacheTtlMs: CACHE_TTL_MS }), {
    tenants: TENANTS,
    requests: 200,
    concurrency: 20,
  });

  it('streams a large tenant (several pages) whole, and closes every request connection afterwards', async () => {
    const { db } = await admin.tenant('Many00');
    await db
      .insertInto('users')
      .values(Array.from({ length: 2_500 }, (_, i) => ({ username: `bulk-${i}` })))
      .execute();
    const body = (await (await fetch(`${url}/Many00/users`)).json()) as { Many00: string[] };
    expect(body.Many00).toHaveLength(2_501);
    expect(body.Many00.at(-1)).toBe('bulk-2499');
    // Each request closed its connection once its response was through (nothing else connects as this user).
    const open = () =>
      withMysqlRoot(async (conn) => {
        const [rows] = await conn.query(`select count(*) as n from information_schema.processlist where user = ?`, [EDGE_USER.user]);
        return Number((rows as { n: number }[])[0]?.n);
      });
    expect(await eventually(async () => ((await open()) === 0 ? 0 : undefined), 5_000)).toBe(0);
  });

  it('printed nothing about cross-request promises or I/O', () => {
    // The capture works: the Worker's own request log lines came through it.
    expect(output.some((line) => line.includes('"msg":"request"'))).toBe(true);
    expect(output.filter((line) => /different request|hung|I\/O on behalf|Uncaught/i.test(line))).toEqual([]);
  });
});
