import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import mysql from 'mysql2/promise';

/**
 * The command's own arguments. pnpm 10 passes the `--` of `pnpm bench -- --flag` through to the
 * script, where node:util's parseArgs would read it as the end of the options.
 */
export const cliArgs = (): string[] => {
  const args = process.argv.slice(2);
  return args[0] === '--' ? args.slice(1) : args;
};

/** The benchmark tenants t00000.. (`pnpm bench -- --provision-only`): their database prefix and registry. */
export const BENCH_PREFIX = 'bench_t_';
export const BENCH_REGISTRY = 'bench_registry';
export const benchTenant = (i: number) => `t${String(i).padStart(5, '0')}`;

export const ROOT_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

export async function withRoot<T>(run: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection(ROOT_URL);
  try {
    return await run(conn);
  } finally {
    await conn.end();
  }
}

/** A MySQL user per process under test, so PROCESSLIST tells whose connections are whose. */
export async function ensureUser(user: string, password: string): Promise<string> {
  await withRoot(async (conn) => {
    for (const host of ['%', 'localhost']) {
      await conn.query(`create user if not exists '${user}'@'${host}' identified by '${password}'`);
      await conn.query(`grant all on *.* to '${user}'@'${host}'`);
    }
  });
  const u = new URL(ROOT_URL);
  return `mysql://${user}:${password}@${u.hostname}:${u.port || 3306}`;
}

export async function connectionsByUser(conn: mysql.Connection, users: readonly string[]): Promise<Record<string, number>> {
  const [rows] = await conn.query('select user, count(*) as n from information_schema.processlist group by user');
  const counts: Record<string, number> = Object.fromEntries(users.map((u) => [u, 0]));
  for (const row of rows as Array<{ user: string; n: number }>) if (row.user in counts) counts[row.user] = Number(row.n);
  return counts;
}

export interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  stop(): Promise<void>;
  /** Peak resident set size so far, in MiB (Linux VmHWM). */
  peakRssMiB(): number;
  /** CPU time the process has used so far, in seconds. */
  cpuTimes(): CpuTimes;
}

export interface CpuTimes {
  readonly user: number;
  readonly system: number;
}

/** Linux reports process times in clock ticks; USER_HZ is 100 on every architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time a process (all its threads) has used so far, user and system apart, in seconds (Linux /proc/<pid>/stat). */
export function processCpuTimes(pid: number): CpuTimes {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, system: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
}

/** The local MariaDB or MySQL server's process id, when it runs on this machine (undefined otherwise). */
export function databaseServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

/** Starts a server process and waits for the line that tells its port. */
export async function startServer(command: string, args: string[], env: Record<string, string>, portPattern: RegExp): Promise<Started> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not start:\n${output}`)), 60_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = portPattern.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  // Keep draining output so a chatty server never blocks on a full pipe.
  child.stdout!.removeAllListeners('data').resume();
  child.stderr!.removeAllListeners('data').resume();
  return {
    child,
    port,
    peakRssMiB: () => {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : Number.NaN;
    },
    cpuTimes: () => processCpuTimes(child.pid!),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
