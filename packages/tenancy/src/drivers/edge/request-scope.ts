import { AsyncLocalStorage } from 'node:async_hooks';
import type { MysqlPool, MysqlPoolConnection } from 'kysely';
import mysql from 'mysql2';
import { ConfigError } from '../../errors.js';

/** What a Cloudflare Hyperdrive binding gives a Worker (the few fields used here). */
export interface HyperdriveBinding {
  readonly connectionString: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** Anything that can keep a Worker alive after its response (its `ExecutionContext`). */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}

/** mysql2 options for one Hyperdrive connection. Hyperdrive pools, so a request opens one and closes it. */
export const EDGE_CONNECTION_OPTIONS = {
  // workerd forbids eval/new Function, which mysql2 uses for its row parsers by default.
  disableEval: true,
  connectTimeout: 5_000,
  supportBigNumbers: true,
  charset: 'utf8mb4',
} satisfies mysql.ConnectionOptions;

const current = new AsyncLocalStorage<RequestScope>();
/** Connections open now in this isolate, all requests together (for PoolStats). */
let openConnections = 0;

/**
 * The database connections of one request: at most one per Hyperdrive binding, opened on first
 * use and closed by `close()`. In workerd an I/O object belongs to the request that made it, so
 * connections must never outlive their request; tenant metadata (the Tenancy's cache) may.
 */
export class RequestScope {
  readonly #bindings: Readonly<Record<string, unknown>>;
  readonly #connections = new Map<string, Promise<MysqlPoolConnection & { end(): Promise<void> }>>();
  #closed = false;

  /** `bindings`: the Worker's `env`, where each Hyperdrive binding is looked up by name. */
  constructor(bindings: Readonly<Record<string, unknown>>) {
    this.#bindings = bindings;
  }

  /** The scope of the request running now; ConfigError outside `run()`. */
  static current(): RequestScope {
    const scope = current.getStore();
    // A wiring mistake, not an outage: a ConfigError passes the registry's guard as it is.
    if (!scope) throw new ConfigError('no request scope: serve the request through serveInRequestScope() or RequestScope.run()');
    return scope;
  }

  /** Runs `fn` (and everything it awaits or streams) in this scope. */
  run<T>(fn: () => T): T {
    return current.run(this, fn);
  }

  /** This request's connection through `binding`, opened on first use. */
  connection(binding: string): Promise<MysqlPoolConnection> {
    if (this.#closed) return Promise.reject(new Error('the request scope is closed'));
    let connection = this.#connections.get(binding);
    if (!connection) {
      connection = open(hyperdrive(this.#bindings, binding));
      this.#connections.set(binding, connection);
      // A failed open is not cached: a later query of the same request tries again.
      connection.catch(() => this.#connections.delete(binding));
    }
    return connection;
  }

  /** Closes every connection once its queued queries are done. Idempotent; never throws. */
  async close(): Promise<void> {
    this.#closed = true;
    const connections = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.allSettled(connections.map(async (c) => (await c).end()));
  }
}

/** A Kysely `MysqlPool` whose connections are the current request's, through one binding. */
export function requestScopedPool(binding: string): MysqlPool {
  return {
    getConnection(callback) {
      let scope: RequestScope;
      try {
        scope = RequestScope.current();
      } catch (error) {
        callback(error, undefined as never);
        return;
      }
      scope.connection(binding).then(
        (connection) => callback(null, connection),
        (error: unknown) => callback(error, undefined as never),
      );
    },
    // The scope owns the connections; Kysely's destroy() has nothing to end.
    end: (callback) => callback(null),
  };
}

/** How many request connections are open in this isolate now. */
export function openRequestConnections(): number {
  return openConnections;
}

function hyperdrive(bindings: Readonly<Record<string, unknown>>, name: string): HyperdriveBinding {
  const binding = bindings[name] as Partial<HyperdriveBinding> | undefined;
  if (!binding || typeof binding.connectionString !== 'string' || typeof binding.host !== 'string') {
    throw new ConfigError(`no Hyperdrive binding named "${name}" (add it under "hyperdrive" in wrangler.jsonc)`);
  }
  return binding as HyperdriveBinding;
}

async function open(binding: HyperdriveBinding): Promise<MysqlPoolConnection & { end(): Promise<void> }> {
  const connection = mysql.createConnection({
    ...EDGE_CONNECTION_OPTIONS,
    host: binding.host,
    port: Number(binding.port),
    user: binding.user,
    password: binding.password,
    database: binding.database,
  });
  // A connection that dies idle emits 'error'; the next query reports it, the process must not crash.
  connection.on('error', () => {});
  await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
  openConnections++;
  let ended: Promise<void> | undefined;
  return {
    query: connection.query.bind(connection) as MysqlPoolConnection['query'],
    // Kysely releases after every query; the connection stays this request's until close().
    release() {},
    end() {
      ended ??= new Promise<void>((resolve) => {
        // end() sends QUIT after the queries already queued; destroy() if even that fails.
        connection.end((error) => {
          if (error) connection.destroy();
          openConnections--;
          resolve();
        });
      });
      return ended;
    },
  };
}
