// The Node process around the service: stdout written in batches, the server, its listening
// line, and a clean shutdown on SIGTERM and SIGINT.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describeError, describeLocation } from '@tenantry/tenancy';
import type { AppLogger } from '../logger.js';
import type { Service } from '../service.js';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Most log text held before it is written (characters), and the longest a line waits. */
const LOG_BUFFER_CHARS = 64 * 1024;
const LOG_FLUSH_MS = 50;

export interface BatchedStdout {
  write(line: string): void;
  flush(): void;
  /** Writes what is pending, then `tenantry-api: <message>` on stderr, and exits 1. */
  fail(message: string): never;
}

/**
 * Log lines gathered for up to LOG_FLUSH_MS (or LOG_BUFFER_CHARS) and written with one call.
 * stdout to a pipe or file is synchronous on Linux: one write per request line was a tenth of
 * the CPU under load, and one per event-loop turn still a few percent. Whatever is pending is
 * written before the process exits, however it exits.
 */
export function batchedStdout(): BatchedStdout {
  let pending: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = `${pending.join('\n')}\n`;
    pending = [];
    chars = 0;
    process.stdout.write(text);
  };
  const write = (line: string) => {
    pending.push(line);
    chars += line.length + 1;
    if (chars >= LOG_BUFFER_CHARS) flush();
    else if (!timer) timer = setTimeout(flush, LOG_FLUSH_MS).unref();
  };
  process.on('exit', flush);
  return {
    write,
    flush,
    fail(message) {
      flush();
      process.stderr.write(`tenantry-api: ${message}\n`);
      process.exit(1);
    },
  };
}

export interface ServeOptions {
  readonly logger: AppLogger;
  readonly stdout: BatchedStdout;
  /** Whether the demo tenants were just created (said in the lines to try). */
  readonly seeded: boolean;
}

/** Serves the app on `http.port`, logs where, and shuts down cleanly on SIGTERM or SIGINT. */
export function serveNode({ app, tenancy, settings, http }: Service, { logger, stdout, seeded }: ServeOptions): void {
  const server = serve({ fetch: app.fetch, port: http.port }) as Server;
  server.once('error', async (error) => {
    await tenancy.destroy();
    stdout.fail(`cannot listen on port ${http.port}: ${describeError(error)}`);
  });
  server.once('listening', () => {
    const { port } = server.address() as AddressInfo;
    logger.info('listening', {
      port,
      registry: describeLocation(settings.registry),
      servers: settings.servers.map((s) => `${s.name}=${describeLocation(s.location)}`),
      identify: http.identify,
      redis: settings.redisUrl ? 'on' : 'off',
      admin: http.adminToken ? 'on' : 'off',
    });
    if (settings.embeddedDefault) printTryLines(port, seeded);
  });

  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) {
      logger.warn('second signal; exiting now', { signal });
      stdout.flush();
      process.exit(1);
    }
    stopping = true;
    logger.info('shutting down: no new connections, finishing requests in flight', { signal });
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => {
      logger.warn('requests still in flight after the grace period; closing their connections', { graceMs: SHUTDOWN_GRACE_MS });
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await closed;
    clearTimeout(force);
    await tenancy.destroy();
    logger.info('stopped');
    stdout.flush();
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** What to try first, printed on the embedded default. */
function printTryLines(port: number, seeded: boolean): void {
  const base = `http://localhost:${port}`;
  const lines = [
    '',
    seeded
      ? 'Tenantry API on the embedded SQLite default (.data/); demo tenants TenantA and TenantB created.'
      : 'Tenantry API on the embedded SQLite default (.data/).',
    'Try:',
    `  curl ${base}/TenantA/users`,
    `  curl ${base}/TenantB/users`,
    `  curl -i ${base}/TenantC/users`,
    `  curl -X POST ${base}/TenantA/users -H 'content-type: application/json' -d '{"username":"userD"}'`,
    `  curl ${base}/healthz`,
    `  curl ${base}/metrics`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
