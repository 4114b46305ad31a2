// The HTTP contract, once, for every runtime: the Node server, the Worker in workerd and the Deno
// server each start themselves, then call `contractCases` to run these same cases against it.
import { createClient, tenantClient } from '@tenantry/client';
import type { Tenancy } from '@tenantry/tenancy';
import { seedDemo } from '../src/demo.js';
import type { TenantDatabase } from '../src/schema.js';
import { expect, it } from 'vitest';
import type { AppType } from '../src/app.js';
import { eventually, rawGet, runConcurrently } from './helpers.js';

/** The server under test, known once its suite's `beforeAll` has run. */
export interface ContractTarget {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The test environment's database prefix (hostile names try it). */
  readonly prefix: string;
  /** Another process's view of the same registry (what the CLI would do): provisioning, suspension. */
  readonly admin: Tenancy<TenantDatabase>;
  /** The server's TENANCY_CACHE_TTL_MS: how long it may take to see a suspension. */
  readonly cacheTtlMs: number;
}

export interface ContractOptions {
  /** Tenants made by `seedContractTenants`, each holding one user, `only-<name>`. */
  readonly tenants: number;
  /** Requests fired across those tenants, `concurrency` at a time, to catch any cross-tenant answer. */
  readonly requests: number;
  readonly concurrency: number;
}

export const manyName = (i: number) => `Many${String(i).padStart(2, '0')}`;

/** The demo tenants (TenantA, TenantB) and `tenants` more, each with one user of its own. */
export async function seedContractTenants(admin: Tenancy<TenantDatabase>, tenants: number): Promise<void> {
  await seedDemo(admin);
  const names = Array.from({ length: tenants }, (_, i) => manyName(i));
  const created = await admin.provisioner.createMany(names, { concurrency: 8 });
  expect(created.filter((r) => r.status !== 'created')).toEqual([]);
  for (const name of names) {
    const { db } = await admin.tenant(name);
    await db.insertInto('users').values({ username: `only-${name}` }).execute();
  }
}

/** Names a tenant can never have; none may reach data or cause a 5xx. */
export function hostileNames(prefix: string): string[] {
  return [
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
    `${prefix}tenanta`,
    `${prefix}registry`,
    'healthz',
    'metrics',
    'admin',
    'TenantA;DROP%20DATABASE%20x',
    '`TenantA`',
    'TenantA%20',
    '-TenantA',
    '_TenantA',
  ];
}

/** The `error.code` of an error answer (the typed client knows the success bodies only). */
export async function errorCode(res: { json(): Promise<unknown> }): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

/** Registers the contract's cases (`it`) in the calling `describe`. */
export function contractCases(target: () => ContractTarget, options: ContractOptions): void {
  const port = () => new URL(target().url).port;

  it('answers the original shape for TenantA and TenantB', async () => {
    for (const [name, body] of [
      ['TenantA', '{"TenantA":["userA","userB"]}'],
      ['TenantB', '{"TenantB":["userA","userC"]}'],
    ] as const) {
      const res = await fetch(`${target().url}/${name}/users`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe(body);
    }
  });

  it('keys the answer by the name as the URL gives it (names are case-insensitive)', async () => {
    const res = await createClient<AppType>(target().url)[':tenant'].users.$get({ param: { tenant: 'tenanta' } });
    const body = await res.json();
    expect(body.tenanta).toEqual(['userA', 'userB']);
    expect(Object.keys(body)).toEqual(['tenanta']);
  });

  it('answers 404 with the error body for an unknown tenant', async () => {
    const res = await fetch(`${target().url}/TenantC/users`, { headers: { 'X-Request-Id': 'e2e-unknown-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'tenant_not_found', message: 'tenant "TenantC" does not exist', requestId: 'e2e-unknown-1' },
    });
  });

  it('never answers a hostile name with a 5xx or with data', async () => {
    for (const name of hostileNames(target().prefix)) {
      for (const path of [`/${name}/users`, `/${name}/users/1`]) {
        const res = await rawGet(port(), path);
        expect(res.status, `${path} -> ${res.status} ${res.body}`).toBeLessThan(500);
        expect(res.status, path).not.toBe(200);
        expect(res.body, path).not.toMatch(/user[ABC]/);
      }
    }
    // Header and body variants of the same idea reach no data either.
    const res = await rawGet(port(), '/%27/users', { 'X-Tenant': 'TenantA', Host: 'TenantA.example.com' });
    expect(res.status).toBe(404);
  });

  it('creates, reads and deletes users, and validates input', async () => {
    const base = `${target().url}/TenantB/users`;
    const post = (body: string, type = 'application/json') =>
      fetch(base, { method: 'POST', body, headers: { 'content-type': type } });
    // The typed client: a route whose answer changes type breaks this file's type check.
    const tenantB = tenantClient<AppType>(target().url, 'TenantB');
    const usersOf = async (client: typeof tenantB) => (await client.users.$get()).json();

    const created = await tenantB.users.$post({ json: { username: 'userZ' } });
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(user).toEqual({ id: expect.any(Number), username: 'userZ' });
    const id = String(user.id);

    const fetched: typeof user = await (await tenantB.users[':id'].$get({ param: { id } })).json();
    expect(fetched).toEqual(user);
    expect((await usersOf(tenantB)).TenantB).toEqual(['userA', 'userC', user.username]);
    // The other tenant does not see it.
    expect(await usersOf(tenantClient<AppType>(target().url, 'TenantA'))).toEqual({ TenantA: ['userA', 'userB'] });

    const deleted: 204 = (await tenantB.users[':id'].$delete({ param: { id } })).status;
    expect(deleted).toBe(204);
    const gone = await tenantB.users[':id'].$get({ param: { id } });
    expect(gone.status).toBe(404);
    expect(await errorCode(gone)).toBe('user_not_found');
    expect((await tenantB.users[':id'].$delete({ param: { id } })).status).toBe(404);
    expect(await usersOf(tenantB)).toEqual({ TenantB: ['userA', 'userC'] });

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
      expect(await errorCode(res), body).toBe('invalid_input');
    }
    const huge = await post(JSON.stringify({ username: 'x'.repeat(100_000) }));
    expect(huge.status).toBe(413);
    for (const id of ['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%00']) {
      expect((await rawGet(port(), `/TenantB/users/${id}`)).status, id).toBe(400);
    }
    expect(await (await fetch(base)).json()).toEqual({ TenantB: ['userA', 'userC'] });
  });

  it('lists every user in id order, ids of 0 and below too (an adopted database may hold them)', async () => {
    const { url, admin } = target();
    const name = 'Adopted';
    await admin.provisioner.create(name);
    const { db } = await admin.tenant(name);
    await db.insertInto('users').values([{ id: 5, username: 'five' }, { id: -3, username: 'minus-three' }, { id: -1, username: 'minus-one' }]).execute();
    await db.insertInto('users').values({ username: 'next' }).execute();
    expect(await (await fetch(`${url}/${name}/users`)).json()).toEqual({ [name]: ['minus-three', 'minus-one', 'five', 'next'] });
  });

  it('answers a suspended tenant 403 within the cache TTL, and serves it again once resumed', async () => {
    const { url, admin, cacheTtlMs } = target();
    const name = 'Suspendable';
    await admin.provisioner.create(name);
    expect((await fetch(`${url}/${name}/users`)).status).toBe(200);

    // Another process's write: the server under test hears of it only through its cache TTL.
    const suspendedAt = Date.now();
    await admin.provisioner.suspend(name);
    const forbidden = await eventually(async () => {
      const res = await fetch(`${url}/${name}/users`);
      return res.status === 403 ? ((await res.json()) as { error: { code: string } }) : undefined;
    }, cacheTtlMs + 3_000);
    expect(forbidden?.error.code).toBe('tenant_suspended');
    expect(Date.now() - suspendedAt).toBeLessThanOrEqual(cacheTtlMs + 3_000);

    await admin.provisioner.resume(name);
    const ok = await eventually(
      async () => ((await fetch(`${url}/${name}/users`)).status === 200 ? true : undefined),
      cacheTtlMs + 3_000,
    );
    expect(ok).toBe(true);
  });

  it(`never answers one tenant's request with another's data under ${options.requests} concurrent requests`, async () => {
    const results = await runConcurrently(options.requests, options.concurrency, async (i) => {
      const name = manyName((i * 7 + (i >> 3)) % options.tenants);
      const res = await fetch(`${target().url}/${name}/users`);
      return { name, status: res.status, body: await res.text() };
    });
    const wrong = results.filter((r) => r.status !== 200 || r.body !== `{"${r.name}":["only-${r.name}"]}`);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(new Set(results.map((r) => r.name)).size).toBe(options.tenants);
  });
}
