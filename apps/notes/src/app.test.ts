import { tenantClient } from '@tenantry/client';
import { type Tenancy, createTenancy, silentLogger } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppType, type Note, createApp } from './app.js';
import product from './product.js';
import type { NotesDatabase } from './schema.js';

type ErrorBody = { error: { code: string; message: string; requestId: string | null } };

describe.each(TEST_DRIVERS)('notes app on %s', (driver) => {
  let env: TestEnvironment;
  let tenancy: Tenancy<NotesDatabase>;
  let app: ReturnType<typeof createApp>;
  /** A typed client of one tenant, calling the app in process. */
  const notesOf = (tenant: string) => tenantClient<AppType>('http://notes.test', tenant, { fetch: app.request });
  const post = async (tenant: string, title: string, body = '') => {
    const res = await notesOf(tenant).notes.$post({ json: { title, body } });
    expect(res.status).toBe(201);
    return (await res.json()) as Note;
  };
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

  beforeAll(async () => {
    env = createTestEnvironment(driver, 'notesapp');
    tenancy = createTenancy(product, { env: env.env, runtime: nodeRuntime() });
    await tenancy.registry.migrate();
    for (const name of ['acme', 'isoa', 'isob', 'pages', 'checks']) await tenancy.provisioner.create(name);
    app = createApp({ tenancy, logger: silentLogger });
  });
  afterAll(async () => {
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('creates, reads, updates and deletes a note', async () => {
    const acme = notesOf('acme');
    const created = await post('acme', '  Groceries ', 'milk, eggs');
    expect(created).toMatchObject({ title: 'Groceries', body: 'milk, eggs', pinned: false });
    expect(created.id).toBeGreaterThan(0);
    expect(Date.parse(created.createdAt)).not.toBeNaN();

    const read = await acme.notes[':id'].$get({ param: { id: String(created.id) } });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(created);

    const renamed = await acme.notes[':id'].$patch({ param: { id: String(created.id) }, json: { title: 'Shopping' } });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toEqual({ ...created, title: 'Shopping' });
    const pinned = await acme.notes[':id'].$patch({ param: { id: String(created.id) }, json: { pinned: true, body: '' } });
    expect(await pinned.json()).toEqual({ ...created, title: 'Shopping', body: '', pinned: true });
    // A patch that changes nothing still answers with the note (MySQL counts it as 0 rows changed).
    const same = await acme.notes[':id'].$patch({ param: { id: String(created.id) }, json: { pinned: true } });
    expect(same.status).toBe(200);
    expect(((await same.json()) as Note).pinned).toBe(true);

    const deleted = await acme.notes[':id'].$delete({ param: { id: String(created.id) } });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    for (const res of [
      await acme.notes[':id'].$get({ param: { id: String(created.id) } }),
      await acme.notes[':id'].$patch({ param: { id: String(created.id) }, json: { title: 'x' } }),
      await acme.notes[':id'].$delete({ param: { id: String(created.id) } }),
    ]) {
      expect(res.status).toBe(404);
      expect(await errorOf(res)).toMatchObject({ code: 'note_not_found', message: `note ${created.id} does not exist` });
    }
  });

  it('creates a pinned note when asked', async () => {
    const res = await notesOf('acme').notes.$post({ json: { title: 'Pinned', body: 'b', pinned: true } });
    expect(res.status).toBe(201);
    const note = (await res.json()) as Note;
    expect(note.pinned).toBe(true);
    expect(await (await notesOf('acme').notes[':id'].$get({ param: { id: String(note.id) } })).json()).toEqual(note);
  });

  it('pages through the notes in id order with limit and after', async () => {
    const pages = notesOf('pages');
    const ids: number[] = [];
    for (let i = 1; i <= 25; i++) ids.push((await post('pages', `note ${i}`)).id);

    const first = await pages.notes.$get({ query: {} });
    expect(first.status).toBe(200);
    const page1 = await first.json();
    expect(page1.notes.map((n) => n.id)).toEqual(ids.slice(0, 20));
    expect(page1.next).toBe(ids[19]);
    const page2 = await (await pages.notes.$get({ query: { after: String(page1.next) } })).json();
    expect(page2.notes.map((n) => n.title)).toEqual(['note 21', 'note 22', 'note 23', 'note 24', 'note 25']);
    expect(page2.next).toBeNull();

    const seen: number[] = [];
    let after: number | null = null;
    let calls = 0;
    do {
      const query: { limit: string; after?: string } = after === null ? { limit: '10' } : { limit: '10', after: String(after) };
      const page = await (await pages.notes.$get({ query })).json();
      expect(page.notes.length).toBeLessThanOrEqual(10);
      seen.push(...page.notes.map((n) => n.id));
      after = page.next;
      calls++;
    } while (after !== null && calls < 10);
    expect(calls).toBe(3);
    expect(seen).toEqual(ids);

    // A page that ends exactly on the last note says so: no empty page after it.
    const exact = await (await pages.notes.$get({ query: { limit: '5', after: String(ids[19]) } })).json();
    expect(exact.notes).toHaveLength(5);
    expect(exact.next).toBeNull();
    const all = await (await pages.notes.$get({ query: { limit: '100' } })).json();
    expect(all.notes).toHaveLength(25);
    expect(all.next).toBeNull();
    const past = await (await pages.notes.$get({ query: { after: String(ids[24]) } })).json();
    expect(past).toEqual({ notes: [], next: null });
  });

  it('answers 400 invalid_input for a bad page query, naming the parameter', async () => {
    for (const query of [{ limit: '0' }, { limit: '101' }, { limit: 'ten' }, { limit: '-1' }, { limit: '2.5' }, { after: '0' }, { after: 'abc' }, { after: '-3' }]) {
      const res = await notesOf('checks').notes.$get({ query });
      expect(res.status, JSON.stringify(query)).toBe(400);
      const error = await errorOf(res);
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(Object.keys(query)[0]!);
    }
  });

  it('answers 400 invalid_input for a bad note, and stores nothing', async () => {
    const checks = notesOf('checks');
    const bad: unknown[] = [
      {},
      { body: 'no title' },
      { title: '', body: '' },
      { title: '   ', body: '' },
      { title: 'x'.repeat(201), body: '' },
      { title: 'ok', body: 'x'.repeat(10_001) },
      { title: 'ok' },
      { title: 7, body: '' },
      { title: 'ok', body: '', pinned: 'yes' },
    ];
    for (const json of bad) {
      const res = await checks.notes.$post({ json: json as { title: string; body: string } });
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect((await errorOf(res)).code).toBe('invalid_input');
    }
    const malformed = await app.request('/checks/notes', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":' });
    expect(malformed.status).toBe(400);
    expect((await errorOf(malformed)).code).toBe('invalid_input');
    expect((await (await checks.notes.$get({ query: {} })).json()).notes).toEqual([]);

    // The limits themselves are accepted.
    const longest = await post('checks', 't'.repeat(200), 'b'.repeat(10_000));
    expect(longest.title).toHaveLength(200);
    expect(longest.body).toHaveLength(10_000);
    expect(await (await checks.notes[':id'].$get({ param: { id: String(longest.id) } })).json()).toEqual(longest);

    for (const json of [{}, { title: '' }, { body: 'x'.repeat(10_001) }, { pinned: 1 }]) {
      const res = await checks.notes[':id'].$patch({ param: { id: String(longest.id) }, json: json as { title?: string } });
      expect(res.status, JSON.stringify(json).slice(0, 80)).toBe(400);
      expect((await errorOf(res)).code).toBe('invalid_input');
    }
    expect(await (await checks.notes[':id'].$get({ param: { id: String(longest.id) } })).json()).toEqual(longest);

    const huge = await app.request('/checks/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'big', body: 'x'.repeat(200_000) }),
    });
    expect(huge.status).toBe(413);
    expect((await errorOf(huge)).code).toBe('payload_too_large');
    expect((await (await checks.notes.$get({ query: {} })).json()).notes).toEqual([longest]);

    for (const id of ['0', 'abc', '-1', '1.5', '9'.repeat(16)]) {
      const res = await checks.notes[':id'].$get({ param: { id } });
      expect(res.status, id).toBe(400);
      expect((await errorOf(res)).code).toBe('invalid_input');
    }
  });

  it('answers 404 for an unknown tenant or a name that cannot be one, in the usual error body', async () => {
    for (const [tenant, code] of [
      ['nosuchtenant', 'tenant_not_found'],
      ['bad name!', 'invalid_tenant_name'],
    ] as const) {
      const client = notesOf(tenant);
      for (const res of [
        await client.notes.$get({ query: {} }),
        await client.notes.$post({ json: { title: 't', body: '' } }),
        await client.notes[':id'].$get({ param: { id: '1' } }),
      ]) {
        expect(res.status).toBe(404);
        const error = await errorOf(res);
        expect(error.code).toBe(code);
        expect(error.requestId).toEqual(expect.any(String));
      }
    }
    const unrouted = await app.request('/acme/nothing-here');
    expect(unrouted.status).toBe(404);
    expect((await errorOf(unrouted)).code).toBe('not_found');
  });

  it("never shows one tenant's notes to another", async () => {
    const a = notesOf('isoa');
    const b = notesOf('isob');
    const aNotes = [await post('isoa', 'a one'), await post('isoa', 'a two'), await post('isoa', 'acme secret', 'only for A')];
    const bNote = await post('isob', 'b note');
    const secret = aNotes[2]!;
    // Ids are per tenant database: B has only its own ids, and A's third id is not among them.
    expect(secret.id).toBeGreaterThan(bNote.id);

    const bList = await (await b.notes.$get({ query: { limit: '100' } })).json();
    expect(bList).toEqual({ notes: [bNote], next: null });
    expect(await (await b.notes[':id'].$get({ param: { id: String(aNotes[0]!.id) } })).json()).toEqual(bNote);
    for (const res of [
      await b.notes[':id'].$get({ param: { id: String(secret.id) } }),
      await b.notes[':id'].$patch({ param: { id: String(secret.id) }, json: { title: 'stolen' } }),
      await b.notes[':id'].$delete({ param: { id: String(secret.id) } }),
    ]) {
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('note_not_found');
    }
    expect(await (await a.notes[':id'].$get({ param: { id: String(secret.id) } })).json()).toEqual(secret);
    expect(await (await a.notes.$get({ query: {} })).json()).toEqual({ notes: aNotes, next: null });
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready' });
  });
});
