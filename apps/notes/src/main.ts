// The Node entry: the notes service on @hono/node-server, a JSON line a log event on stdout, and
// a clean shutdown on SIGTERM and SIGINT (the process plumbing of apps/api, in small).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type TenancyLogger, describeError, describeLocation } from '@tenantry/tenancy';
import { nodeRuntime } from '@tenantry/tenancy/node';
import { type Service, createService, prepareRegistry, startupError } from './service.js';

/** How long in-flight requests get to finish after SIGTERM/SIGINT before connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
  void process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
const logger: TenancyLogger = { info: line('info'), warn: line('warn'), error: line('error') };

function fail(error: unknown): never {
  process.stderr.write(`tenantry-notes: ${startupError(error)}\n`);
  process.exit(1);
}

let service: Service;
try {
  service = createService({ env: process.env, runtime: nodeRuntime(), logger });
} catch (error) {
  fail(error);
}
await prepareRegistry(service).catch(fail);

const { app, tenancy, settings, port } = service;
const server = serve({ fetch: app.fetch, port }) as Server;
server.once('error', async (error) => {
  await tenancy.destroy();
  fail(new Error(`cannot listen on port ${port}: ${describeError(error)}`));
});
server.once('listening', () => {
  const address = server.address() as AddressInfo;
  logger.info('listening', {
    port: address.port,
    registry: describeLocation(settings.registry),
    servers: settings.servers.map((s) => `${s.name}=${describeLocation(s.location)}`),
    dbPrefix: settings.dbPrefix,
  });
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    logger.warn('second signal; exiting now', { signal });
    process.exit(1);
  }
  stopping = true;
  logger.info('shutting down: no new connections, finishing requests in flight', { signal });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  await closed;
  clearTimeout(force);
  await tenancy.destroy();
  logger.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
