import { type Tenancy, createTenancy, defineConfig, silentLogger } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { TEST_DRIVERS, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import product from '../src/product.js';
import { NOTES_MIGRATIONS, type NotesDatabase } from '../src/schema.js';
import { tenantryJson } from './helpers.js';

type MigrateJson = {
  ok: boolean;
  latestVersion: number;
  results: { tenant: string; status: string; applied: string[]; version: number }[];
};

/** The product as it was released first: the notes table, no `pinned` yet. */
const firstRelease = defineConfig<any>({
  migrations: { '0001_notes': NOTES_MIGRATIONS['0001_notes']! },
  connection: product.connection ?? {},
});

/** The `pinned` column of every note, read through the tenant's own Kysely (on MySQL it names the tenant's database). */
const selectPinned = (db: Kysely<any>) => db.selectFrom('notes').select('pinned').execute();

describe.each(TEST_DRIVERS)('tenantry --config apps/notes/tenantry.config.ts migrate on %s', (driver) => {
  let env: TestEnvironment;
  let current: Tenancy<NotesDatabase>;

  beforeAll(async () => {
    env = createTestEnvironment(driver, 'notesmig');
    // A tenant created before 0002_notes_pinned existed, with a note in it.
    const old = createTenancy(firstRelease, { env: env.env, runtime: nodeRuntime() });
    try {
      await old.registry.migrate();
      const record = await old.provisioner.create('early');
      expect(record.schemaVersion).toBe(1);
      const { db } = await old.tenant('early');
      await db.insertInto('notes').values({ title: 'from the first release', body: 'before pinning', created_at: new Date().toISOString() }).execute();
      await expect(selectPinned(db)).rejects.toThrow(/pinned/);
    } finally {
      await old.destroy();
    }
    current = createTenancy(product, { env: env.env, runtime: nodeRuntime() });
  });
  afterAll(async () => {
    await current?.destroy();
    await env?.cleanup();
  });

  it('applies the second migration to the tenant made with the first, then has nothing to do', async () => {
    const migrated = await tenantryJson<MigrateJson>(['migrate'], env.env);
    expect(migrated.ok).toBe(true);
    expect(migrated.latestVersion).toBe(2);
    expect(migrated.results).toEqual([{ tenant: 'early', status: 'applied', applied: ['0002_notes_pinned'], version: 2 }]);
    expect((await current.registry.get('early'))?.schemaVersion).toBe(2);

    const { db } = (await current.tenant('early')) as { db: Kysely<any> };
    expect(await selectPinned(db)).toEqual([{ pinned: 0 }]);
    // Through the tenant's Kysely, so that on MySQL the query names the tenant's database.
    const applied = await db.selectFrom('tenantry_migration').select('name').orderBy('name').execute();
    expect(applied.map((r) => r.name)).toEqual(['0001_notes', '0002_notes_pinned']);

    // The note of the first release is served with the new column, and can be pinned.
    const app = createApp({ tenancy: current, logger: silentLogger });
    const list = (await (await app.request('/early/notes')).json()) as { notes: { id: number; title: string; pinned: boolean }[] };
    expect(list.notes).toEqual([expect.objectContaining({ title: 'from the first release', pinned: false })]);
    const id = list.notes[0]!.id;
    const pinned = await app.request(`/early/notes/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"pinned":true}' });
    expect(await pinned.json()).toMatchObject({ id, pinned: true });

    const again = await tenantryJson<MigrateJson>(['migrate'], env.env);
    expect(again.results).toEqual([{ tenant: 'early', status: 'current', applied: [], version: 2 }]);
  });
});
