import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { describe, expect, it } from 'vitest';
import { type InferResponseType, createClient, tenantClient } from './index.js';

/** A small multi-tenant app, as a product would export its type. */
const app = new Hono()
  .get('/healthz', (c) => c.json({ status: 'ok' as const }))
  .get('/:tenant/users', (c) => c.json({ [c.req.param('tenant')]: ['userA'] } as Record<string, string[]>))
  .post(
    '/:tenant/users',
    validator('json', (value) => value as { username: string }),
    (c) => c.json({ id: 7, username: c.req.valid('json').username }, 201),
  )
  .get('/:tenant/users/:id', (c) => c.json({ id: Number(c.req.param('id')), tenant: c.req.param('tenant') }));
type App = typeof app;
/** The same routes composed with route(), as real apps are (their schema is a union of the parts'). */
const composed = new Hono().route('/', new Hono().get('/healthz', (c) => c.json({ status: 'ok' as const }))).route('/:tenant', new Hono().get('/users/:id', (c) => c.json({ id: Number(c.req.param('id')) })));

/** Answers every request with what it saw: how the tenant reached the server. */
const echo = new Hono().all('*', async (c) =>
  c.json({ method: c.req.method, url: c.req.url, tenant: c.req.header('x-tenant') ?? null, auth: c.req.header('authorization') ?? null, body: await c.req.text() }),
);
type Seen = { method: string; url: string; tenant: string | null; auth: string | null; body: string };

describe('createClient', () => {
  it('calls the routes of the app type, typed', async () => {
    const client = createClient<App>('http://api.test', { fetch: app.request });
    const health = await client.healthz.$get();
    const status: 'ok' = (await health.json()).status;
    expect(status).toBe('ok');
    const users = await client[':tenant'].users.$get({ param: { tenant: 'Acme' } });
    expect(await users.json()).toEqual({ Acme: ['userA'] });
  });
});

describe('tenantClient', () => {
  it('by path: the tenant, encoded, after the base URL; the routes typed without it', async () => {
    const acme = tenantClient<App>('http://api.test/', 'Acme', { fetch: app.request });
    const created = await acme.users.$post({ json: { username: 'userB' } });
    expect(created.status).toBe(201);
    const user: { id: number; username: string } = await created.json();
    expect(user).toEqual({ id: 7, username: 'userB' });
    const one = await acme.users[':id'].$get({ param: { id: '3' } });
    expect(await one.json()).toEqual({ id: 3, tenant: 'Acme' });

    const odd = tenantClient<App>('http://api.test/base', 'a b/c', { fetch: echo.request });
    expect(((await (await odd.users.$get()).json()) as unknown as Seen).url).toBe('http://api.test/base/a%20b%2Fc/users');
  });

  it('by header: X-Tenant on every request, beside the caller\'s headers', async () => {
    for (const headers of [undefined, { authorization: 'Bearer t' }, async () => ({ authorization: 'Bearer t' })]) {
      const client = tenantClient<App>('http://api.test', 'Globex', { identify: 'header', fetch: echo.request, ...(headers ? { headers } : {}) });
      const seen = (await (await client.users.$post({ json: { username: 'u' } })).json()) as unknown as Seen;
      expect(seen).toEqual({ method: 'POST', url: 'http://api.test/users', tenant: 'Globex', auth: headers ? 'Bearer t' : null, body: '{"username":"u"}' });
    }
  });

  it('by host: <tenant>.<host of the base URL>; a name that cannot be a host label throws', async () => {
    const client = tenantClient<App>('https://example.test:8443', 'Acme', { identify: 'host', fetch: echo.request });
    const seen = (await (await client.users[':id'].$get({ param: { id: '9' } })).json()) as unknown as Seen;
    expect(seen.url).toBe('https://acme.example.test:8443/users/9');
    expect(() => tenantClient<App>('https://example.test', 'a.b', { identify: 'host' })).toThrow(/host name label/);
  });

  it('binds the tenant of an app composed with route()', async () => {
    const client = tenantClient<typeof composed>('http://api.test', 'Acme', { fetch: composed.request });
    const user: { id: number } = await (await client.users[':id'].$get({ param: { id: '4' } })).json();
    expect(user).toEqual({ id: 4 });
  });

  it('types the responses as the app declares them', () => {
    const acme = tenantClient<App>('http://api.test', 'Acme');
    type Created = InferResponseType<typeof acme.users.$post, 201>;
    const created: Created = { id: 1, username: 'x' };
    expect(created.id).toBe(1);
    // @ts-expect-error the tenant is bound: no `:tenant` segment left
    void acme[':tenant'];
    // @ts-expect-error the route takes its id
    void (() => acme.users[':id'].$get({}));
    // @ts-expect-error a field the app does not answer
    void ((u: Created) => u.name);
  });
});
