import { createClient, tenantClient } from '@tenantry/client';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppType, Note } from '../src/app.js';
import { type RunningServer, startServer, tenantryJson } from './helpers.js';

type CreateJson = { ok: boolean; results: { tenant: string; status: string; schemaVersion?: number }[] };
type ErrorBody = { error: { code: string; message: string; requestId: string | null } };

describe.each(TEST_DRIVERS)('notes server on %s, tenants made by the CLI', (driver) => {
  let env: TestEnvironment;
  let server: RunningServer;

  beforeAll(async () => {
    env = createTestEnvironment(driver, 'notese2e');
    server = await startServer(env.env);
    const created = await tenantryJson<CreateJson>(['create', 'acme', 'globex'], env.env);
    expect(created.ok).toBe(true);
    // The CLI applied the product's two migrations, not the seed API's one.
    expect(created.results.map((r) => [r.tenant, r.status, r.schemaVersion])).toEqual([
      ['acme', 'created', 2],
      ['globex', 'created', 2],
    ]);
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
    await env?.cleanup();
  });

  it('calls every route through the typed client', async () => {
    const client = createClient<AppType>(server.url);
    expect(await (await client.healthz.$get()).json()).toEqual({ status: 'ok' });
    expect(await (await client.readyz.$get()).json()).toEqual({ status: 'ready' });

    const acme = tenantClient<AppType>(server.url, 'acme');
    const posted = await acme.notes.$post({ json: { title: 'Kick-off', body: 'Agenda: everything' } });
    expect(posted.status).toBe(201);
    const note: Note = await posted.json();
    expect(note).toMatchObject({ title: 'Kick-off', body: 'Agenda: everything', pinned: false });

    const second = (await (await acme.notes.$post({ json: { title: 'Retro', body: '' } })).json()) as Note;
    const page = await acme.notes.$get({ query: { limit: '1' } });
    expect(await page.json()).toEqual({ notes: [note], next: note.id });
    expect(await (await acme.notes.$get({ query: { after: String(note.id) } })).json()).toEqual({ notes: [second], next: null });

    const one = await client[':tenant'].notes[':id'].$get({ param: { tenant: 'acme', id: String(note.id) } });
    expect(await one.json()).toEqual(note);
    const patched = await acme.notes[':id'].$patch({ param: { id: String(note.id) }, json: { pinned: true } });
    expect(await patched.json()).toEqual({ ...note, pinned: true });
    const deleted = await acme.notes[':id'].$delete({ param: { id: String(second.id) } });
    expect(deleted.status).toBe(204);
    expect(await (await acme.notes.$get({ query: {} })).json()).toEqual({ notes: [{ ...note, pinned: true }], next: null });

    // The other tenant, made by the same CLI run, sees none of it.
    expect(await (await tenantClient<AppType>(server.url, 'globex').notes.$get({ query: {} })).json()).toEqual({ notes: [], next: null });
  });

  it('answers errors in the usual body, with the request id', async () => {
    const missing = await tenantClient<AppType>(server.url, 'initech').notes.$get({ query: {} });
    expect(missing.status).toBe(404);
    const body = (await missing.json()) as unknown as ErrorBody;
    expect(body.error).toMatchObject({ code: 'tenant_not_found' });
    expect(body.error.requestId).toBe(missing.headers.get('x-request-id'));

    const invalid = await tenantClient<AppType>(server.url, 'acme').notes.$post({ json: { title: '', body: '' } });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as unknown as ErrorBody).error.code).toBe('invalid_input');
  });
});
