import type {
  CompiledQuery,
  DatabaseConnection,
  DatabaseIntrospector,
  Dialect,
  DialectAdapter,
  Driver,
  Kysely,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { DestroyedError, TenantDatabaseUnavailableError, isConnectionError } from '../errors.js';

/** Shared by every guarded driver of one owner: once destroyed, nothing runs. */
export class Lifecycle {
  #destroyed = false;
  constructor(readonly what: string) {}
  get destroyed(): boolean {
    return this.#destroyed;
  }
  markDestroyed(): void {
    this.#destroyed = true;
  }
  assertAlive(): void {
    if (this.#destroyed) throw new DestroyedError(this.what);
  }
}

/**
 * Wraps a dialect so that its driver (1) refuses work once the owner is destroyed and (2) turns
 * "cannot reach the server" failures into TenantDatabaseUnavailableError, like Kysely's own
 * RuntimeDriver wraps every driver. Used by SQLite and by MySQL migrations; MySQL's queries run
 * on TenantryMysqlDialect, which has the same guard built in (translateDriverError).
 */
export class GuardedDialect implements Dialect {
  constructor(
    readonly inner: Dialect,
    readonly server: string,
    readonly lifecycle: Lifecycle,
  ) {}
  createDriver(): Driver {
    return new GuardedDriver(this.inner.createDriver(), this.server, this.lifecycle);
  }
  createQueryCompiler(): QueryCompiler {
    return this.inner.createQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return this.inner.createAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return this.inner.createIntrospector(db);
  }
}

/**
 * One per pooled connection, kept for the connection's life: wrapping per query allocated a
 * wrapper and two weak-map entries (ours and Kysely's) on every request.
 */
class GuardedConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    readonly driver: GuardedDriver,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query);
    } catch (error) {
      throw this.driver.translate(error);
    }
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      throw this.driver.translate(error);
    }
  }
}

const unwrap = (connection: DatabaseConnection) => (connection instanceof GuardedConnection ? connection.inner : connection);

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  readonly #server: string;
  readonly #lifecycle: Lifecycle;
  readonly #wrapped = new WeakMap<DatabaseConnection, GuardedConnection>();

  constructor(inner: Driver, server: string, lifecycle: Lifecycle) {
    this.#inner = inner;
    this.#server = server;
    this.#lifecycle = lifecycle;
  }

  async init(): Promise<void> {
    this.#lifecycle.assertAlive();
    try {
      await this.#inner.init();
    } catch (error) {
      throw this.translate(error);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#lifecycle.assertAlive();
    let inner: DatabaseConnection;
    try {
      inner = await this.#inner.acquireConnection();
    } catch (error) {
      throw this.translate(error);
    }
    let outer = this.#wrapped.get(inner);
    if (!outer) {
      outer = new GuardedConnection(inner, this);
      this.#wrapped.set(inner, outer);
    }
    return outer;
  }

  // Transaction statements run on our connection, so their failures are translated too.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(unwrap(connection));
  }

  async destroy(): Promise<void> {
    await this.#inner.destroy();
  }

  translate(error: unknown): unknown {
    return translateDriverError(error, this.#server, this.#lifecycle);
  }
}

/**
 * What a driver throws for a failure: DestroyedError once the owner is destroyed,
 * TenantDatabaseUnavailableError when the server cannot be reached, else the error itself.
 */
export function translateDriverError(error: unknown, server: string, lifecycle: Lifecycle): unknown {
  if (lifecycle.destroyed) return new DestroyedError(lifecycle.what);
  return isConnectionError(error) ? new TenantDatabaseUnavailableError(server, { cause: error }) : error;
}
