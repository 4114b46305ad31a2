import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: where `pnpm tenantry --config apps/notes/tenantry.config.ts …` runs. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The built entry: the end-to-end tests run what `pnpm start` runs (turbo builds before test). */
export const SERVER_ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** The built `tenantry` CLI (a dev dependency, so turbo builds it first). */
export const CLI_ENTRY = fileURLToPath(new URL('../../admin-cli/dist/main.js', import.meta.url));
/** The config path as the README gives it, relative to the repository root. */
export const NOTES_CONFIG = 'apps/notes/tenantry.config.ts';

/** A child's environment: the test environment's variables and nothing else of this process's. */
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `tenantry <args>` at the repository root, as `pnpm tenantry` runs it. */
export function tenantry(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: REPO_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `tenantry --config apps/notes/tenantry.config.ts <args> --json`, parsed; fails the test on a non-zero exit. */
export async function tenantryJson<T>(args: readonly string[], env: Record<string, string>): Promise<T> {
  const run = await tenantry(['--config', NOTES_CONFIG, ...args, '--json'], env);
  if (run.code !== 0) throw new Error(`tenantry ${args.join(' ')} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}

export interface RunningServer {
  readonly url: string;
  readonly process: ChildProcess;
  output(): string;
  /** SIGTERM, then waits for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built notes server on a port the OS picks (PORT=0) and waits for its listening line. */
export async function startServer(env: Record<string, string>, timeoutMs = 30_000): Promise<RunningServer> {
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...childEnv(env), PORT: '0' },
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
