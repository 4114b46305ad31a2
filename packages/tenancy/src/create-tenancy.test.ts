import type { Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotesDatabase, notesProduct } from '../test/fixture-product.js';
import { loadConfig } from './config.js';
import { type TenancyRuntime, createTenancy } from './create-tenancy.js';
import { ConfigError } from './errors.js';
import { mysqlRuntime } from './drivers/mysql/mysql-runtime.js';
import { nodeRuntime } from './node.js';
import type { Tenancy } from './tenancy.js';
import { type TestEnvironment, createTestEnvironment } from './testing/index.js';

/** Node's runtime, counting what the composition asks of it. */
function countingRuntime() {
  const node = nodeRuntime();
  const calls = { registry: 0, server: 0, invalidation: 0 };
  const runtime: TenancyRuntime = {
    ...node,
    registry: (...a) => (calls.registry++, node.registry(...a)),
    server: (...a) => (calls.server++, node.server(...a)),
    invalidation: (...a) => (calls.invalidation++, node.invalidation!(...a)),
  };
  return { runtime, calls };
}

describe('createTenancy', () => {
  let environment: TestEnvironment;
  const open: Tenancy[] = [];
  beforeAll(() => {
    environment = createTestEnvironment('sqlite', 'compose');
  });
  afterAll(async () => {
    for (const tenancy of open) await tenancy.destroy();
    await environment?.cleanup();
  });

  it("builds the product's tenancy from the environment, typed by its schema", async () => {
    const { runtime, calls } = countingRuntime();
    const tenancy: Tenancy<NotesDatabase> = createTenancy(notesProduct, { env: environment.env, runtime });
    open.push(tenancy);
    expect(calls).toEqual({ registry: 1, server: 0, invalidation: 1 });
    await tenancy.registry.migrate();
    await tenancy.provisioner.create('typed');
    expect(calls.server).toBe(1); // the server opens on first use
    const { db } = await tenancy.tenant('typed');
    await db.insertInto('notes').values({ title: 'first' }).execute();
    const rows: { title: string }[] = await db.selectFrom('notes').select('title').execute();
    expect(rows).toEqual([{ title: 'first' }]);
    // @ts-expect-error: the product's schema has no such table
    await expect(db.selectFrom('accounts').selectAll().execute()).rejects.toThrow(/no such table: accounts/);
  });

  it("takes the config's connection defaults, the environment over them, or settings as given", () => {
    const product = { ...notesProduct, connection: { dbPrefix: 'fromfile_', cacheTtlMs: 777 } };
    const fromFile = createTenancy(product, { env: { DATABASE_URL: environment.env.DATABASE_URL! }, runtime: nodeRuntime() });
    const fromEnv = createTenancy(product, { env: environment.env, runtime: nodeRuntime() });
    const given = createTenancy(product, { settings: loadConfig({ ...environment.env, TENANCY_DB_PREFIX: 'given_' }), runtime: nodeRuntime() });
    open.push(fromFile, fromEnv, given);
    expect([fromFile.dbPrefix, fromEnv.dbPrefix, given.dbPrefix]).toEqual(['fromfile_', environment.prefix, 'given_']);
  });

  it('takes migrations from a Kysely MigrationProvider, read once', async () => {
    let reads = 0;
    const provider = {
      async getMigrations(): Promise<Record<string, Migration>> {
        reads++;
        return notesProduct.migrations as Record<string, Migration>;
      },
    };
    const tenancy = createTenancy({ migrations: provider }, { env: environment.env, runtime: nodeRuntime() });
    open.push(tenancy);
    const record = await tenancy.provisioner.create('provided');
    expect(record.schemaVersion).toBe(1);
    expect(await tenancy.migrator.pending(record)).toEqual([]);
    expect(await tenancy.migrator.latestVersion()).toBe(1);
    expect(reads).toBe(1);
  });

  it('uses a registry or invalidation bus given as overrides instead of making its own', () => {
    const { runtime, calls } = countingRuntime();
    const registry = nodeRuntime().registry(loadConfig(environment.env).registry, loadConfig(environment.env));
    const tenancy = createTenancy(notesProduct, { env: environment.env, runtime, overrides: { registry, invalidation: undefined } });
    open.push(tenancy);
    expect(tenancy.registry).toBe(registry);
    expect(calls).toEqual({ registry: 0, server: 0, invalidation: 0 });
  });

  it('refuses, before opening anything, a registry or server the runtime cannot reach', () => {
    const { runtime, calls } = countingRuntime();
    const deno = { ...mysqlRuntime({ name: 'deno' }), registry: runtime.registry };
    const attempt = (env: Record<string, string>) => () => createTenancy(notesProduct, { env, runtime: deno });
    expect(attempt({})).toThrow(new ConfigError('DATABASE_URL must be set on deno, e.g. mysql://…: the embedded SQLite default needs Node'));
    expect(attempt({ DATABASE_URL: 'sqlite:/tmp/r.db' })).toThrow('DATABASE_URL: sqlite:/tmp/r.db cannot be reached on deno; use mysql://…');
    expect(attempt({ DATABASE_URL: 'mysql://u:secret@db/r', TENANCY_SERVERS: 'eu=mysql://u:secret@db,local=sqlite:/t' })).toThrow(
      'TENANCY_SERVERS (local): sqlite:/t cannot be reached on deno; use mysql://…',
    );
    expect(calls.registry).toBe(0);
  });
});
