import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Tenancy, createTenancy } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import product from '../src/product.js';
import type { TenantDatabase } from '../src/schema.js';

/** The built entry: the end-to-end tests run what `pnpm start` runs (turbo builds before test). */
export const SERVER_ENTRY = fileURLToPath(new URL('../dist/runtimes/node.js', import.meta.url));

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** The built Deno entry. */
export const DENO_ENTRY = fileURLToPath(new URL('../dist/runtimes/deno.js', import.meta.url));
/**
 * `deno run` of the built entry. The executable itself, not `node_modules/.bin/deno`: that is a
 * shell and Node wrapper, which a SIGTERM would kill before Deno could shut down cleanly.
 */
export function denoCommand(): string[] {
  const { runInstall } = createRequire(import.meta.url)('deno/install_api.cjs') as { runInstall(): string };
  return [runInstall(), 'run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', DENO_ENTRY];
}

/**
 * Starts the real server (the Node entry unless `command` names another) on a port the OS picks
 * (PORT=0) and waits until it logs that it listens.
 */
export async function startServer(
  env: Record<string, string>,
  timeoutMs = 30_000,
  command: readonly string[] = [process.execPath, SERVER_ENTRY],
): Promise<RunningServer> {
  const [executable, ...args] = command;
  const child = spawn(executable!, args, {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not listen in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /"msg":"listening","port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A GET with the path sent byte for byte (fetch would normalise `..` and friends away). */
export function rawGet(port: number | string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path, method: 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A Tenancy of this test process on the same registry: another process's writes, as the CLI would make them. */
export async function adminTenancy(env: Record<string, string>): Promise<Tenancy<TenantDatabase>> {
  const tenancy = createTenancy(product, { env, runtime: nodeRuntime() });
  await tenancy.registry.migrate();
  return tenancy;
}

/** A loopback port nothing listens on (for a Redis that is down). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address !== 'object') throw new Error('no port');
  return address.port;
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes; bounded. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 50): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runConcurrently<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  });
  await Promise.all(workers);
  return results;
}
