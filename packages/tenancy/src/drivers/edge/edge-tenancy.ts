import { type ServerConfig, type TenancyConfig, loadConfig } from '../../config.js';
import { ConnectionManager } from '../../connections/connection-manager.js';
import { ConfigError } from '../../errors.js';
import type { TenancyLogger } from '../../logger.js';
import { PhysicalLayout } from '../../provisioning/physical-layout.js';
import type { TenantRegistry } from '../../registry/types.js';
import { Tenancy, type TenancyDeps } from '../../tenancy.js';
import { createMysqlRegistryOnPool } from '../mysql/mysql-registry.js';
import { MysqlServer } from '../mysql/mysql-server.js';
import { RequestScope, type WaitUntil, openRequestConnections, requestScopedPool } from './request-scope.js';

/** A database reached through a Hyperdrive binding: `hyperdrive://<BINDING>[/<database>]`. */
export interface HyperdriveLocation {
  readonly binding: string;
  readonly database: string | undefined;
}

/** The configuration of a Worker: the Node variables, with Hyperdrive bindings where Node has URLs. */
export interface EdgeConfig extends Omit<TenancyConfig, 'registry' | 'servers' | 'redisUrl' | 'port' | 'maxConnections' | 'embeddedDefault'> {
  readonly registry: { readonly binding: string; readonly database: string };
  readonly servers: readonly { readonly name: string; readonly binding: string }[];
}

export const DEFAULT_REGISTRY_DATABASE = 'tenantry';
const HYPERDRIVE_URL = /^hyperdrive:\/\/([A-Za-z_][A-Za-z0-9_]*)\/?([^/?#]*)$/;

/** Parses `hyperdrive://BINDING[/database]`. */
export function parseHyperdriveUrl(url: string, variable: string): HyperdriveLocation {
  const match = HYPERDRIVE_URL.exec(url.trim());
  if (!match) throw new ConfigError(`${variable}: expected hyperdrive://<BINDING>[/<database>], got "${url}"`);
  return { binding: match[1]!, database: match[2] ? decodeURIComponent(match[2]) : undefined };
}

/**
 * A Worker's configuration from its vars: `DATABASE_URL=hyperdrive://HYPERDRIVE/tenantry` (the
 * registry), `TENANCY_SERVERS=name=hyperdrive://BINDING,...` (default: the registry's binding as
 * `default`), and the other variables as on Node (`loadConfig`). Bindings and non-strings are ignored.
 */
export function loadEdgeConfig(env: Readonly<Record<string, unknown>>): EdgeConfig {
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (typeof value === 'string') vars[key] = value;
  const { DATABASE_URL, TENANCY_SERVERS, ...rest } = vars;
  if (!DATABASE_URL) throw new ConfigError('DATABASE_URL must name the registry, e.g. hyperdrive://HYPERDRIVE/tenantry');
  const registry = parseHyperdriveUrl(DATABASE_URL, 'DATABASE_URL');
  const servers = TENANCY_SERVERS
    ? TENANCY_SERVERS.split(',')
        .map((part) => part.trim())
        .filter(Boolean)
        .map((part) => {
          const eq = part.indexOf('=');
          const name = part.slice(0, eq).trim();
          if (eq <= 0 || !/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
            throw new ConfigError(`TENANCY_SERVERS: expected name=hyperdrive://<BINDING> pairs, got "${part}"`);
          }
          return { name, binding: parseHyperdriveUrl(part.slice(eq + 1), `TENANCY_SERVERS (${name})`).binding };
        })
    : [{ name: 'default', binding: registry.binding }];
  const { dbPrefix, cacheTtlMs, identify, baseDomain, adminToken } = loadConfig(rest);
  return {
    registry: { binding: registry.binding, database: registry.database ?? DEFAULT_REGISTRY_DATABASE },
    servers,
    dbPrefix,
    cacheTtlMs,
    identify,
    baseDomain,
    adminToken,
  };
}

export interface EdgeTenancyOptions {
  readonly logger?: TenancyLogger;
  readonly overrides?: Partial<Omit<TenancyDeps, 'registry' | 'connections'>>;
}

/** The registry through a Hyperdrive binding, on the current request's connection. */
export function createEdgeRegistry(binding: string, database: string): TenantRegistry {
  return createMysqlRegistryOnPool(requestScopedPool(binding), database);
}

/** A tenant database server through a Hyperdrive binding; `withSchema` reaches every database on it. */
export function createEdgeServer(name: string, binding: string): MysqlServer {
  return new MysqlServer({
    name,
    pool: requestScopedPool(binding),
    stats: () => {
      const open = openRequestConnections();
      // Hyperdrive pools; here each request holds at most one connection per binding.
      return { open, inUse: open, idle: 0, waiting: 0, limit: open };
    },
  });
}

/**
 * The core for a Worker. Build it once per isolate (module scope): it holds the tenant cache and no
 * connection. Serve every request through {@link serveInRequestScope}, which gives the request
 * its own connections and closes them when the response is done.
 */
export function createEdgeTenancy(config: EdgeConfig, options: EdgeTenancyOptions = {}): Tenancy {
  const bindings = new Map(config.servers.map((s) => [s.name, s.binding]));
  const servers: ServerConfig[] = config.servers.map((s) => ({
    name: s.name,
    location: { kind: 'mysql', url: `hyperdrive://${s.binding}`, database: undefined },
  }));
  return new Tenancy({
    registry: createEdgeRegistry(config.registry.binding, config.registry.database),
    connections: new ConnectionManager({
      servers,
      factory: (server) => createEdgeServer(server.name, bindings.get(server.name)!),
    }),
    dbPrefix: config.dbPrefix,
    cacheTtlMs: config.cacheTtlMs,
    // Bindings stand for servers: two bindings to one server are told apart only by holdsRegistry.
    layout: new PhysicalLayout({
      registry: { kind: 'mysql', url: `hyperdrive://${config.registry.binding}`, database: config.registry.database },
      servers,
    }),
    ...(options.logger ? { logger: options.logger } : {}),
    ...options.overrides,
  });
}

/**
 * Runs `handle` in a new {@link RequestScope} and closes the scope's connections once the response
 * body has been sent (or the request failed). The close is registered with `waitUntil` before any
 * query runs, so a request whose client went away still finishes the queries that other requests
 * may be waiting on (the tenant cache shares one registry lookup between concurrent requests).
 */
export async function serveInRequestScope(
  bindings: Readonly<Record<string, unknown>>,
  ctx: WaitUntil,
  handle: () => Promise<Response>,
): Promise<Response> {
  const scope = new RequestScope(bindings);
  let finished!: () => void;
  ctx.waitUntil(new Promise<void>((resolve) => (finished = resolve)).then(() => scope.close()));
  try {
    const response = await scope.run(handle);
    const body = response.body;
    if (!body) {
      finished();
      return response;
    }
    // Later pages of a streamed body still query: close only once the body is through.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    void scope
      .run(() => body.pipeTo(writable))
      .catch(() => {})
      .finally(finished);
    return new Response(readable, response);
  } catch (error) {
    finished();
    throw error;
  }
}
