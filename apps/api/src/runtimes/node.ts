// The Node entry: read the environment once, build the core and the app, serve, shut down cleanly.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { ConfigError, type TenancyConfig, describeError, describeLocation, loadConfig, seedDemo } from '@tenantry/tenancy';
import { createTenancy } from '@tenantry/tenancy/node';
import { createApp } from '../app.js';
import { createJsonLogger } from '../logger.js';
import { createPrometheusMetrics } from '../metrics/prometheus.js';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

/** Most log text held before it is written (characters), and the longest a line waits. */
const LOG_BUFFER_CHARS = 64 * 1024;
const LOG_FLUSH_MS = 50;

/**
 * Log lines gathered for up to LOG_FLUSH_MS (or LOG_BUFFER_CHARS) and written with one call.
 * stdout to a pipe or file is synchronous on Linux: one write per request line was a tenth of
 * the CPU under load, and one per event-loop turn still a few percent. Whatever is pending is
 * written before the process exits, however it exits.
 */
function batchedStdout() {
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
  return { write, flush };
}
const stdout = batchedStdout();
const logger = createJsonLogger(stdout.write);

function fail(message: string): never {
  stdout.flush();
  process.stderr.write(`tenantry-api: ${message}\n`);
  process.exit(1);
}

let config: TenancyConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  fail(error instanceof ConfigError ? error.message : describeError(error));
}

const tenancy = createTenancy(config, { logger });

// The registry schema is created or upgraded at every start (idempotent, as `tenantry init`);
// demo tenants are provisioned only on the embedded default, and only into an empty registry.
let seeded = false;
try {
  await tenancy.registry.migrate();
  if (config.embeddedDefault && (await tenancy.registry.count()) === 0) {
    await seedDemo(tenancy);
    seeded = true;
  }
} catch (error) {
  await tenancy.destroy();
  fail(`cannot prepare the registry at ${describeLocation(config.registry)}: ${describeError(error)}`);
}

const metrics = createPrometheusMetrics({
  cacheStats: () => tenancy.cache.stats,
  cacheSize: () => tenancy.cache.size,
  poolStats: () => tenancy.connections.stats(),
});
const app = createApp({
  tenancy,
  logger,
  metrics,
  identify: config.identify,
  ...(config.baseDomain ? { baseDomain: config.baseDomain } : {}),
  ...(config.adminToken ? { adminToken: config.adminToken } : {}),
});

const server = serve({ fetch: app.fetch, port: config.port }) as Server;
server.once('error', async (error) => {
  await tenancy.destroy();
  fail(`cannot listen on port ${config.port}: ${describeError(error)}`);
});
server.once('listening', () => {
  const { port } = server.address() as AddressInfo;
  logger.info('listening', {
    port,
    registry: describeLocation(config.registry),
    servers: config.servers.map((s) => `${s.name}=${describeLocation(s.location)}`),
    identify: config.identify,
    redis: config.redisUrl ? 'on' : 'off',
    admin: config.adminToken ? 'on' : 'off',
  });
  if (config.embeddedDefault) printTryLines(port);
});

function printTryLines(port: number): void {
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
