import { symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Tenancy } from '@tenantry/tenancy';
import { TEST_MYSQL_URL, type TestDriver, type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTenancy, runCli } from './run-cli.js';

/**
 * Nothing an operator types drops or takes the registry's database, a server's own schema or
 * another tenant's database. The registry sits on the tenant server under the tenant prefix, as
 * in the issue (DATABASE_URL=mysql://…/acme_registry, TENANCY_DB_PREFIX=acme_), and the server has
 * a second name (`alias`) that reaches the same databases.
 */
export function safetySuite(driver: TestDriver): void {
  describe(`tenantry on ${driver}: operator safety`, () => {
    let environment: TestEnvironment;
    let env: Record<string, string>;
    let inspect: Tenancy;
    let registryDb: string;
    let prefix: string;
    const cli = (...args: string[]) => runCli(args, env);

    /** Edits a registry row behind the CLI's back, over a plain connection to the registry database. */
    const handEdit = async (name: string, set: { database_name: string; server?: string }) => {
      const registry = inspect.connections.server('default').migrationDatabase(registryDb);
      await registry
        .updateTable('tenants')
        .set({ database_name: set.database_name, server: set.server ?? 'default' })
        .where('name_key', '=', name)
        .execute();
    };

    /** The registry lists exactly `names`; acme still serves its users; the registry database still holds the registry. */
    const intact = async (names: readonly string[] = ['acme']) => {
      expect((await inspect.registry.list()).map((r) => r.name)).toEqual(names);
      inspect.cache.clear();
      const { db } = await inspect.tenant('acme');
      expect((await db.selectFrom('users').select('username').orderBy('id').execute()).map((r) => r.username)).toEqual(['alice', 'bob']);
      expect(await inspect.connections.server('default').holdsRegistry(registryDb)).toBe(true);
    };

    beforeAll(async () => {
      environment = createTestEnvironment(driver, `clisafe${driver}`);
      prefix = environment.prefix;
      registryDb = `${prefix}registry`;
      if (driver === 'mysql') {
        const url = `${TEST_MYSQL_URL.replace(/\/$/, '')}/`;
        env = { ...environment.env, TENANCY_SERVERS: `default=${url},alias=${url}` };
      } else {
        // Registry file and tenant files in one folder; the alias reaches it through a symlink.
        const folder = dirname(environment.env.DATABASE_URL!.slice('sqlite:'.length));
        symlinkSync(folder, join(folder, 'alias'));
        env = {
          DATABASE_URL: `sqlite:${folder}/${registryDb}.db`,
          TENANCY_DB_PREFIX: prefix,
          TENANCY_SERVERS: `default=sqlite:${folder},alias=sqlite:${folder}/alias`,
        };
      }
      inspect = await inspectTenancy(env);
      for (const args of [['init'], ['create', 'acme'], ['users', 'add', 'acme', 'alice', 'bob']]) {
        const run = await cli(...args);
        expect(run.code, run.stderr).toBe(0);
      }
    });

    afterAll(async () => {
      await inspect?.destroy();
      await environment?.cleanup();
    });

    it("create refuses the registry's database by --database, adopted or not: exit 2, nothing written", async () => {
      const plain = await cli('create', 'regx', '--database', registryDb);
      expect(plain.code).toBe(2);
      expect(plain.stderr).toBe(`error: database ${registryDb} is the registry's database\n`);
      const adopted = await cli('create', 'regx', '--database', registryDb, '--adopt', '--json');
      expect(adopted.code).toBe(2);
      expect(adopted.json()).toEqual({
        version: 1,
        command: 'create',
        ok: false,
        error: { code: 'database_in_use', message: `database ${registryDb} is the registry's database` },
      });
      const viaAlias = await cli('create', 'regx', '--database', registryDb, '--adopt', '--server', 'alias');
      expect(viaAlias.code).toBe(2);
      expect(viaAlias.stderr).toContain("is the registry's database");
      await intact();
    });

    it("create refuses the registry's database reached through the prefix, alone or in a batch", async () => {
      for (const args of [['create', 'registry', '--adopt'], ['create', 'registry'], ['create', 'fine', 'registry']]) {
        const run = await cli(...args);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr).toBe(`error: database ${registryDb} is the registry's database\n`);
      }
      // The batch was refused as a whole: "fine" was not created either.
      await intact();
    });

    it("create refuses another tenant's database, adopted or not, and a server's own schema", async () => {
      for (const extra of [[], ['--adopt'], ['--adopt', '--server', 'alias']]) {
        const run = await cli('create', 'thief', '--database', `${prefix}acme`, ...extra);
        expect(run.code, extra.join(' ')).toBe(2);
        expect(run.stderr).toBe(`error: database ${prefix}acme belongs to tenant acme\n`);
      }
      for (const schema of ['mysql', 'information_schema', 'performance_schema', 'sys']) {
        const run = await cli('create', 'sneaky', '--database', schema, '--adopt');
        expect(run.code, schema).toBe(2);
        expect(run.stderr).toBe(`error: database ${schema} is a schema of the database server itself\n`);
      }
      await intact();
    });

    it("delete refuses to drop a database a hand-edited row names, doctor reports the row, and the hint repairs it", async () => {
      expect((await cli('create', 'victim', 'twin')).code).toBe(0);
      await handEdit('victim', { database_name: registryDb });
      // twin names acme's database under the server's other name: the unique index cannot see it.
      await handEdit('twin', { database_name: `${prefix}acme`, server: 'alias' });

      const dropRegistry = await cli('delete', 'victim', '--yes', '--json');
      expect(dropRegistry.code).toBe(2);
      expect(dropRegistry.stderr).toBe(
        `error: database ${registryDb} is the registry's database; it was not dropped; ` +
          'to remove only the registry row: tenantry delete victim --yes --keep-database\n',
      );
      expect(dropRegistry.json().error.code).toBe('database_in_use');
      const dryRun = await cli('delete', 'victim');
      expect(dryRun.code).toBe(2);
      expect(dryRun.stderr).toContain("is the registry's database");
      const dropOther = await cli('delete', 'twin', '--yes');
      expect(dropOther.code).toBe(2);
      expect(dropOther.stderr).toContain(`database ${prefix}acme belongs to tenant acme; it was not dropped`);
      const dropShared = await cli('delete', 'acme', '--yes');
      expect(dropShared.code).toBe(2);
      expect(dropShared.stderr).toContain(`database ${prefix}acme belongs to tenant twin; it was not dropped`);
      expect((await inspect.registry.get('victim'))?.status).toBe('active');
      await intact(['acme', 'twin', 'victim']);

      const doctor = await cli('doctor', '--json');
      expect(doctor.code).toBe(1);
      const inUse = doctor
        .json()
        .findings.filter((f: { kind: string }) => f.kind === 'database_in_use')
        .map((f: { tenant: string; database: string; hint: string }) => [f.tenant, f.database, f.hint]);
      expect(inUse).toEqual([
        ['acme', `${prefix}acme`, 'keep the row of the tenant whose data it is; remove the other row alone: tenantry delete <name> --yes --keep-database'],
        ['twin', `${prefix}acme`, 'keep the row of the tenant whose data it is; remove the other row alone: tenantry delete <name> --yes --keep-database'],
        ['victim', registryDb, 'remove the row alone, the database stays: tenantry delete victim --yes --keep-database'],
      ]);
      const table = await cli('doctor');
      expect(table.stdout).toMatch(new RegExp(`^database_in_use\\s+victim\\s+default\\s+${registryDb}\\s+.*the registry's database`, 'm'));

      for (const name of ['victim', 'twin']) expect((await cli('delete', name, '--yes', '--keep-database')).code).toBe(0);
      // Their own databases, left when their rows were edited, are orphans now: dropped by hand.
      for (const database of [`${prefix}victim`, `${prefix}twin`]) await inspect.connections.server('default').dropDatabase(database);
      const repaired = await cli('doctor');
      expect(repaired.code, repaired.stdout).toBe(0);
      expect(repaired.stdout).toBe('no drift: checked 1 tenant and 1 database on 2 servers\n');
      await intact();
    });
  });
}
