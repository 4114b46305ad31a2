import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type Tenancy, createTenancy, loadConfig } from '../src/index.js';
import { findConfigFile, loadConfigFile, nodeRuntime } from '../src/node.js';
import { type TestEnvironment, createTestEnvironment } from '../src/testing/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** The message of what `promise` rejects with, after checking it is a ConfigError. */
async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
}

describe('a product config file', () => {
  it('is found in a folder as tenantry.config.ts, .js or .mjs', () => {
    expect(findConfigFile(join(FIXTURES, 'inline'))).toBe(join(FIXTURES, 'inline', 'tenantry.config.ts'));
    expect(findConfigFile(join(FIXTURES, 'plain-js'))).toBe(join(FIXTURES, 'plain-js', 'tenantry.config.mjs'));
    expect(findConfigFile(FIXTURES)).toBeUndefined();
  });

  it('loads from TypeScript, with its migrations and connection defaults', async () => {
    const config = await loadConfigFile(join(FIXTURES, 'inline', 'tenantry.config.ts'));
    expect(Object.keys(config.migrations)).toEqual(['0001_tags']);
    expect(loadConfig({}, config.connection)).toMatchObject({ dbPrefix: 'tags_', cacheTtlMs: 1234 });
    expect(loadConfig({ TENANCY_DB_PREFIX: 'other_' }, config.connection).dbPrefix).toBe('other_');
    const js = await loadConfigFile(join(FIXTURES, 'plain-js', 'tenantry.config.mjs'));
    expect(js.commands?.map((c) => c.path)).toEqual([['tags', 'count']]);
  });

  it('names the file when it is missing, throws, or exports no config', async () => {
    const missing = join(FIXTURES, 'nowhere', 'tenantry.config.ts');
    expect(await configError(loadConfigFile(missing))).toBe(`config file not found: ${missing}`);
    const broken = join(FIXTURES, 'broken', 'tenantry.config.ts');
    expect(await configError(loadConfigFile(broken))).toBe(`cannot load config file ${broken}: this config is broken on purpose`);
    const shapeless = join(FIXTURES, 'shapeless', 'tenantry.config.ts');
    expect(await configError(loadConfigFile(shapeless))).toBe(
      `config file ${shapeless}: the default export must be defineConfig({ migrations, ... })`,
    );
  });

  describe('with a migrations folder', () => {
    let environment: TestEnvironment;
    let tenancy: Tenancy;
    beforeAll(async () => {
      environment = createTestEnvironment('sqlite', 'configfile');
      const config = await loadConfigFile(join(FIXTURES, 'folder', 'tenantry.config.ts'));
      tenancy = createTenancy(config, { env: environment.env, runtime: nodeRuntime() });
      await tenancy.registry.migrate();
    });
    afterAll(async () => {
      await tenancy?.destroy();
      await environment?.cleanup();
    });

    it('reads it relative to the file, TypeScript files and all, and applies it in name order', async () => {
      expect(await tenancy.migrator.latestVersion()).toBe(2);
      const record = await tenancy.provisioner.create('tagged');
      expect(record.schemaVersion).toBe(2);
      const db = tenancy.connections.forTenant(record);
      await db.insertInto('tags').values({ id: 1, colour: 'red' }).execute();
      expect(await db.selectFrom('tags').selectAll().execute()).toEqual([{ id: 1, colour: 'red' }]);
    });
  });

  it('refuses a migrations folder that does not exist, and a folder given to createTenancy directly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-config-'));
    try {
      writeFileSync(join(dir, 'tenantry.config.mjs'), "export default { migrations: './nope' };\n");
      expect(await configError(loadConfigFile(join(dir, 'tenantry.config.mjs')))).toBe(
        `config file ${join(dir, 'tenantry.config.mjs')}: the migrations folder ${join(dir, 'nope')} does not exist`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const message = await configError(
      Promise.resolve().then(() => createTenancy({ migrations: './migrations' }, { env: {}, runtime: nodeRuntime() })),
    );
    expect(message).toMatch(/^migrations: the folder "\.\/migrations" is read by the Node loader/);
  });
});
