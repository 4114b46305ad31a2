import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_REDIS_URL, createTestEnvironment, type TestEnvironment } from '@tenantry/tenancy/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapLimit, runCli } from './run-cli.js';

describe('tenantry: usage errors, configuration, secrets', () => {
  let sqlite: TestEnvironment;
  beforeAll(() => {
    sqlite = createTestEnvironment('sqlite', 'cliusage');
  });
  afterAll(async () => {
    await sqlite?.cleanup();
  });

  it('exit 2 for usage errors, 0 for --help', async () => {
    const env = sqlite.env;
    const [none, help, unknown, badFlag, badNumber, badStatus, extra] = await mapLimit(
      [[], ['--help'], ['frobnicate'], ['list', '--bogus'], ['create', 'x', '--concurrency', 'abc'], ['list', '--status', 'nope'], ['show', 'a', 'b']],
      2,
      (args) => runCli(args, env),
    );
    expect(none!.code).toBe(2);
    expect(none!.stderr).toContain('Usage: tenantry');
    expect(help!.code).toBe(0);
    for (const command of ['init', 'create', 'list', 'show', 'suspend', 'resume', 'delete', 'migrate', 'seed-demo', 'users', 'doctor']) {
      expect(help!.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(help!.stdout).toContain('Exit codes: 0 success, 1 the work failed');
    expect(unknown!.code).toBe(2);
    expect(unknown!.stderr).toContain("error: unknown command 'frobnicate'");
    expect(badFlag!.code).toBe(2);
    expect(badFlag!.stderr).toContain("error: unknown option '--bogus'");
    expect(badNumber!.code).toBe(2);
    expect(badNumber!.stderr).toContain('expected a whole number from 1 to 64');
    expect(badStatus!.code).toBe(2);
    expect(extra!.code).toBe(2);
  });

  it('a bad configuration is a usage error in one line', async () => {
    const run = await runCli(['list'], { ...sqlite.env, TENANCY_DB_PREFIX: 'bad-prefix!' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: TENANCY_DB_PREFIX: invalid database prefix "bad-prefix!"/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('never prints a password, not even with --verbose', async () => {
    const password = 'Sup3r-Secret-Pw';
    const runs = await mapLimit<Record<string, string>, Awaited<ReturnType<typeof runCli>>>(
      [
        { DATABASE_URL: `mysql://root:${password}@127.0.0.1:3306/tt_cliusage_secret`, TENANCY_DB_PREFIX: 'tt_cliusage_secret_' },
        { ...sqlite.env, TENANCY_SERVERS: `default=mysql://root:${password}@127.0.0.1:1/` },
      ],
      2,
      (env) => runCli(['init', '--verbose', '--json'], env),
    );
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: .*(ER_ACCESS_DENIED_ERROR|ECONNREFUSED)/);
      expect(run.stderr).toContain('    at '); // --verbose: the stack is there
      expect(run.stdout + run.stderr).not.toContain(password);
      expect(run.json()).toMatchObject({ version: 1, command: 'init', ok: false, error: { code: expect.any(String) } });
    }
    expect(runs[0]!.json().error.code).toBe('registry_unavailable');
    expect(runs[1]!.json().error.code).toBe('tenant_database_unavailable');
  });

  it('works with no configuration at all: the embedded SQLite default in the working directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tenantry-embedded-'));
    try {
      const init = await runCli(['init'], {}, cwd);
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain('registry ready: sqlite:.data/registry.db (0 tenants)');
      expect(init.stdout).toContain('DATABASE_URL is not set');
      const create = await runCli(['create', 'acme'], {}, cwd);
      expect(create.code, create.stderr).toBe(0);
      expect(existsSync(join(cwd, '.data', 'registry.db'))).toBe(true);
      expect(existsSync(join(cwd, '.data', 'tenants', 'tenant_acme.db'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('publishes cache invalidations over Redis when REDIS_URL is set, and carries on when Redis is down', async () => {
    const env = { ...sqlite.env, REDIS_URL: TEST_REDIS_URL };
    const tenant = `r-${Math.random().toString(36).slice(2, 8)}`;
    expect((await runCli(['init'], env)).code).toBe(0);
    const subscriber = new Redis(TEST_REDIS_URL);
    const messages: unknown[] = [];
    try {
      await subscriber.subscribe('tenantry:invalidate');
      subscriber.on('message', (_channel: string, text: string) => {
        const message = JSON.parse(text) as { tenant?: string };
        if (message.tenant === tenant) messages.push(message);
      });
      expect((await runCli(['create', tenant], env)).code).toBe(0);
      const suspend = await runCli(['suspend', tenant], env);
      expect(suspend.code, suspend.stderr).toBe(0);
      expect(suspend.stderr).toBe('');
      await new Promise((r) => setTimeout(r, 300));
      // create: provisioning then active; suspend: one more.
      expect(messages).toEqual([{ tenant }, { tenant }, { tenant }]);
    } finally {
      subscriber.disconnect();
    }

    const down = await runCli(['resume', tenant], { ...sqlite.env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(down.code).toBe(0);
    expect(down.stdout).toBe(`tenant "${tenant}" is active\n`);
    expect(down.stderr).toMatch(/^warning: publishing a tenant invalidation failed/);
  });
});
