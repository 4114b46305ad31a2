#!/usr/bin/env node
// `pnpm tenantry <command>` at the repository root: builds the CLI and what it depends on (quietly;
// the build's output is shown only when it fails), then runs it with the arguments as given and
// the caller's working directory, so stdout carries the CLI's output alone (`--json` stays parseable).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(app, '..', '..');
const turbo = join(root, 'node_modules', '.bin', 'turbo');

const build = spawnSync(turbo, ['run', 'build', '--filter=@tenantry/admin-cli...', '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  env: { TURBO_TELEMETRY_DISABLED: '1', ...process.env },
});
if (build.error || build.status !== 0) {
  process.stderr.write(build.stdout ?? '');
  process.stderr.write(build.stderr ?? '');
  process.stderr.write(`tenantry: building the CLI failed${build.error ? `: ${build.error.message}` : ''}\n`);
  process.exit(1);
}

// From the repository root, the seed product (apps/api) is the product, as the README shows.
const args = process.argv.slice(2);
const named = process.env.TENANCY_CONFIG || args.some((a) => a === '--config' || a.startsWith('--config='));
const found = ['ts', 'js', 'mjs'].some((ext) => existsSync(join(process.cwd(), `tenantry.config.${ext}`)));
const env = named || found ? process.env : { ...process.env, TENANCY_CONFIG: join(root, 'apps', 'api', 'tenantry.config.ts') };
const cli = spawn(process.execPath, [join(app, 'dist', 'main.js'), ...args], { stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
