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
 * "cannot reach the server" failures into TenantDatabaseUnavailableError. Written once, used by
 * every driver, like Kysely's own RuntimeDriver.
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

class GuardedDriver implements Driver {
  readonly #inner: Driver;
  readonly #server: string;
  readonly #lifecycle: Lifecycle;
  readonly #unwrap = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver, server: string, lifecycle: Lifecycle) {
    this.#inner = inner;
    this.#server = server;
    this.#lifecycle = lifecycle;
  }

  async init(): Promise<void> {
    this.#lifecycle.assertAlive();
    await this.#map(() => this.#inner.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    this.#lifecycle.assertAlive();
    const inner = await this.#map(() => this.#inner.acquireConnection());
    const outer: DatabaseConnection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> => this.#map(() => inner.executeQuery<R>(query)),
      streamQuery: <R>(query: CompiledQuery, chunkSize?: number) => this.#mapStream(inner.streamQuery<R>(query, chunkSize)),
    };
    this.#unwrap.set(outer, inner);
    return outer;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.#inner.releaseConnection(this.#unwrap.get(connection) ?? connection);
  }

  async destroy(): Promise<void> {
    await this.#inner.destroy();
  }

  async #map<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#translate(error);
    }
  }

  async *#mapStream<R>(stream: AsyncIterableIterator<QueryResult<R>>): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* stream;
    } catch (error) {
      throw this.#translate(error);
    }
  }

  #translate(error: unknown): unknown {
    if (this.#lifecycle.destroyed) return new DestroyedError(this.#lifecycle.what);
    return isConnectionError(error) ? new TenantDatabaseUnavailableError(this.#server, { cause: error }) : error;
  }
}
