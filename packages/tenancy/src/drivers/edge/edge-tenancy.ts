import { type DatabaseLocation, DEFAULT_REGISTRY_DATABASE } from '../../config.js';
import type { TenancyRuntime } from '../../create-tenancy.js';
import { ConfigError } from '../../errors.js';
import type { TenantRegistry } from '../../registry/types.js';
import { createMysqlRegistryOnPool } from '../mysql/mysql-registry.js';
import { MysqlServer } from '../mysql/mysql-server.js';
import { RequestScope, type WaitUntil, openRequestConnections, requestScopedPool } from './request-scope.js';

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

function hyperdrive(location: DatabaseLocation): Extract<DatabaseLocation, { kind: 'hyperdrive' }> {
  if (location.kind !== 'hyperdrive') throw new ConfigError(`expected a hyperdrive:// location, got a ${location.kind} one`);
  return location;
}

/**
 * What a Worker supplies to `createTenancy`: the registry and tenant servers through Hyperdrive
 * bindings (`DATABASE_URL=hyperdrive://HYPERDRIVE/tenantry`, `TENANCY_SERVERS=name=hyperdrive://BINDING,…`;
 * the default server is the registry's binding), on the current request's connections. Build the
 * Tenancy once per isolate (module scope): it holds the tenant cache and no connection. Serve
 * every request through {@link serveInRequestScope}. No invalidation bus: other isolates see a
 * change within the cache TTL.
 */
export function edgeRuntime(): TenancyRuntime {
  return {
    name: 'workers',
    reaches: ['hyperdrive'],
    registry: (location) => {
      const { binding, database } = hyperdrive(location);
      return createEdgeRegistry(binding, database ?? DEFAULT_REGISTRY_DATABASE);
    },
    server: (server) => createEdgeServer(server.name, hyperdrive(server.location).binding),
  };
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
