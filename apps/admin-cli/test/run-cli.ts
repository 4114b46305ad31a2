import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Tenancy, createTenancy } from '@tenantry/tenancy';
import { loadConfigFile, nodeRuntime } from '@tenantry/tenancy/node';

/** The built CLI, as `tenantry` runs it. */
export const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main.js');

/** The seed product's config (apps/api): its `users` schema and its commands (`users add`, `seed-demo`). */
export const API_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'api', 'tenantry.config.ts');

/** The tests' own view of what the CLI did: the seed product's tenancy over the same settings. */
export async function inspectTenancy(env: Record<string, string>): Promise<Tenancy<any>> {
  const product = await loadConfigFile(API_CONFIG);
  return createTenancy(product, { env, runtime: nodeRuntime() });
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON. */
  json<T = any>(): T;
}

/**
 * Runs the built CLI in a child process with only the given environment (plus PATH, HOME and
 * TENANCY_CONFIG naming the seed product's config unless `env` sets it), so nothing from the
 * shell that started the tests (a DATABASE_URL, say) leaks in.
 */
export function runCli(args: readonly string[], env: Record<string, string>, cwd?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TENANCY_CONFIG: API_CONFIG, ...env },
      ...(cwd ? { cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json() {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout is not JSON (exit ${code}):\n${stdout}\nstderr:\n${stderr}`);
          }
        },
      });
    });
  });
}

/** Runs `work` over `items`, `limit` at a time (subprocesses on a 2-core machine). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}
