import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTenancy } from '@tenantry/tenancy';
import { loadConfigFile, nodeRuntime } from '@tenantry/tenancy/node';
import { type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
/** A product of its own: two migrations in a folder beside its config, not the seed's users. */
const PRODUCT = join(FIXTURES, 'product', 'tenantry.config.ts');

describe('tenantry --config with a product of its own', () => {
  let environment: TestEnvironment;
  /** Only the fixture's config: the seed's is not named, nor found in the working directory. */
  const cli = (...args: string[]) => runCli(args, { ...environment.env, TENANCY_CONFIG: '' });

  beforeAll(() => {
    environment = createTestEnvironment('sqlite', 'cliproduct');
  });

  afterAll(async () => {
    await environment?.cleanup();
  });

  it('create and migrate apply both of its migrations, from its folder', async () => {
    for (const args of [['init'], ['create', 'acme']]) {
      const run = await cli('--config', PRODUCT, ...args);
      expect(run.code, run.stderr).toBe(0);
    }
    const migrate = await cli('--config', PRODUCT, 'migrate', '--json');
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.json()).toMatchObject({ ok: true });

    const tenancy = createTenancy(await loadConfigFile(PRODUCT), { env: environment.env, runtime: nodeRuntime() });
    try {
      const { db } = await tenancy.tenant('acme');
      await db.insertInto('tags').values({ label: 'red', colour: '#f00' }).execute();
      expect(await db.selectFrom('tags').select(['label', 'colour']).execute()).toEqual([{ label: 'red', colour: '#f00' }]);
      const applied = await db.selectFrom('tenantry_migration').select('name').orderBy('name').execute();
      expect(applied.map((r: { name: string }) => r.name)).toEqual(['0001_tags', '0002_tag_colour']);
    } finally {
      await tenancy.destroy();
    }
  });

  it('a config file that does not exist: exit 2, one line naming it', async () => {
    const missing = join(FIXTURES, 'nowhere', 'tenantry.config.ts');
    const run = await cli('--config', missing, 'migrate');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(missing);
  });

  it('a config file that throws: exit 2, one line naming it', async () => {
    const throws = join(FIXTURES, 'throws', 'tenantry.config.ts');
    const run = await cli('--config', throws, 'create', 'acme2');
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(throws);
    expect(run.stderr).toContain('broken on purpose');
  });
});
