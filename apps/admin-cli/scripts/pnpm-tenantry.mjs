#!/usr/bin/env node
// `pnpm tenantry <command>` at the repository root: builds the CLI and what it depends on (quietly;
// the build's output is shown only when it fails), then runs it with the arguments as given and
// the caller's working directory, so stdout carries the CLI's output alone (`--json` stays parseable).
import { spawn, spawnSync } from 'node:child_process';
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

const cli = spawn(process.execPath, [join(app, 'dist', 'main.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => cli.kill(signal));
cli.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
