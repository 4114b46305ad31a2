// The Deno entry: the same app on Deno.serve, the core on mysql2 pools (a Deno process lives long,
// so pools are right here, as on Node). Node-only pieces (better-sqlite3, ioredis, prom-client) are
// left out: the registry and tenant servers must be MySQL, and changes arrive within the cache TTL.
import { ConfigError, ConnectionManager, PhysicalLayout, Tenancy, type TenancyConfig, describeError, describeLocation, loadConfig } from '@tenantry/tenancy';
import { MysqlServer, createMysqlRegistry } from '@tenantry/tenancy/mysql';
import { createApp } from '../app.js';
import { createJsonLogger } from '../logger.js';

/** The part of the Deno namespace used here (so tsc builds this file without Deno's types). */
declare const Deno: {
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  serve(
    options: { port: number; hostname?: string; onListen?: (address: { port: number; hostname: string }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
};

const logger = createJsonLogger((line) => console.log(line));

function fail(message: string): never {
  console.error(`tenantry-api: ${message}`);
  Deno.exit(1);
}

let config: TenancyConfig;
try {
  config = loadConfig(Deno.env.toObject());
} catch (error) {
  fail(error instanceof ConfigError ? error.message : describeError(error));
}
const { registry } = config;
if (registry.kind !== 'mysql' || config.servers.some((s) => s.location.kind !== 'mysql')) {
  fail('on Deno the registry and every tenant server must be MySQL (DATABASE_URL=mysql://…; SQLite needs Node)');
}
if (config.redisUrl) logger.warn('REDIS_URL is ignored on Deno; changes reach this process within TENANCY_CACHE_TTL_MS');

const registryUrl = new URL(registry.url);
registryUrl.pathname = '/';
const tenancy = new Tenancy({
  registry: createMysqlRegistry({ url: registryUrl.toString(), database: registry.database ?? 'tenantry' }),
  connections: new ConnectionManager({
    servers: config.servers,
    factory: (server) =>
      new MysqlServer({
        name: server.name,
        url: server.location.kind === 'mysql' ? server.location.url : '',
        maxConnections: config.maxConnections,
      }),
  }),
  dbPrefix: config.dbPrefix,
  cacheTtlMs: config.cacheTtlMs,
  layout: new PhysicalLayout({ registry: config.registry, servers: config.servers }),
  logger,
});

try {
  await tenancy.registry.migrate();
} catch (error) {
  await tenancy.destroy();
  fail(`cannot prepare the registry at ${describeLocation(registry)}: ${describeError(error)}`);
}

const app = createApp({
  tenancy,
  logger,
  identify: config.identify,
  ...(config.baseDomain ? { baseDomain: config.baseDomain } : {}),
  ...(config.adminToken ? { adminToken: config.adminToken } : {}),
});

const server = Deno.serve(
  {
    port: config.port,
    onListen: ({ port, hostname }) =>
      logger.info('listening', { port, hostname, runtime: 'deno', registry: describeLocation(registry), identify: config.identify }),
  },
  app.fetch,
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) Deno.exit(1);
  stopping = true;
  logger.info('shutting down: finishing requests in flight', { signal });
  await server.shutdown();
  await tenancy.destroy();
  logger.info('stopped');
  Deno.exit(0);
}
Deno.addSignalListener('SIGTERM', () => void shutdown('SIGTERM'));
Deno.addSignalListener('SIGINT', () => void shutdown('SIGINT'));
