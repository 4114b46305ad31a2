import {
  CompiledQuery,
  type ConnectionProvider,
  type DatabaseConnection,
  DefaultQueryExecutor,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  type KyselyPlugin,
  MysqlAdapter,
  MysqlIntrospector,
  type MysqlPool,
  type MysqlPoolConnection,
  MysqlQueryCompiler,
  type MysqlQueryResult,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
  createQueryId,
  sql,
} from 'kysely';
import { type Lifecycle, translateDriverError } from '../guarded-dialect.js';

/**
 * Kysely's MySQL dialect for a pool that a MysqlServer owns, with the guard of GuardedDialect
 * built in: nothing runs once the server is destroyed, and "cannot reach the server" failures
 * become TenantDatabaseUnavailableError.
 *
 * Why not GuardedDialect around Kysely's MysqlDialect, as before: every query then went through
 * three layers of async functions on the way in (ours, Kysely's driver, its promise around
 * mysql2) and the same on the way out, a few percent of the API's CPU. Here a query is one
 * promise around mysql2's callback, and taking and giving back its connection another (see
 * createMysqlKysely). Results are shaped as Kysely's MysqlDriver shapes them.
 */
export class TenantryMysqlDialect implements Dialect {
  constructor(
    readonly pool: MysqlPool,
    readonly server: string,
    readonly lifecycle: Lifecycle,
  ) {}
  createDriver(): TenantryMysqlDriver {
    return new TenantryMysqlDriver(this.pool, this.server, this.lifecycle);
  }
  createQueryCompiler(): QueryCompiler {
    return new MysqlQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new MysqlAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new MysqlIntrospector(db);
  }
}

/**
 * A Kysely on a server's pool whose queries take a pooled connection, run and give it back
 * within one promise: the driver is also the connection provider. Built from a dialect instead,
 * Kysely puts its RuntimeDriver (lazy init, query logging) and DefaultConnectionProvider between
 * the executor and the driver: four async functions and their promises a query. Without them
 * the API counted 158.9k instructions a request against 163.9k, and allocated 26.7 KB a request
 * against 28.1 KB. Our driver needs no init, and no Kysely query log is configured. Transactions
 * and `connection()` use the same driver.
 */
export function createMysqlKysely(pool: MysqlPool, server: string, lifecycle: Lifecycle): Kysely<any> {
  const dialect = new TenantryMysqlDialect(pool, server, lifecycle);
  const driver = dialect.createDriver();
  const executor = new TenantryMysqlExecutor(dialect.createQueryCompiler(), dialect.createAdapter(), driver, driver, []);
  return new Kysely<any>({ config: { dialect }, dialect, driver, executor });
}

/**
 * A plugin whose transformResult hands the result back as it is (the tenant schema plugin): a
 * query that has only such plugins is run by {@link TenantryMysqlExecutor} without them.
 */
export interface ResultNeutralPlugin extends KyselyPlugin {
  readonly resultNeutral: true;
}

const resultNeutral = (plugin: KyselyPlugin) => (plugin as Partial<ResultNeutralPlugin>).resultNeutral === true;

/**
 * Kysely's executor, except that a query on the driver's own connections (not in a transaction
 * or `connection()`) whose plugins all leave results alone runs as one promise around mysql2.
 * Kysely's executeQuery goes through three async functions, our provider's and connection's
 * promises and one promise per plugin to hand the same result back: without them, and with
 * Tenancy making each handle once, the API counted 160.6k instructions a request against 167.8k
 * (`bench:instructions -- --tenants 10000`, one run). Everything else (transactions,
 * `connection()`, streams, other plugins) takes Kysely's path.
 */
class TenantryMysqlExecutor extends DefaultQueryExecutor {
  readonly #compiler: QueryCompiler;
  readonly #adapter: DialectAdapter;
  readonly #provider: ConnectionProvider;
  readonly #driver: TenantryMysqlDriver;
  readonly #direct: boolean;

  constructor(compiler: QueryCompiler, adapter: DialectAdapter, provider: ConnectionProvider, driver: TenantryMysqlDriver, plugins: KyselyPlugin[]) {
    super(compiler, adapter, provider, plugins);
    this.#compiler = compiler;
    this.#adapter = adapter;
    this.#provider = provider;
    this.#driver = driver;
    this.#direct = provider === driver && plugins.every(resultNeutral);
  }

  override executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return this.#direct ? this.#driver.query<R>(compiledQuery) : super.executeQuery<R>(compiledQuery);
  }

  #with(provider: ConnectionProvider, plugins: KyselyPlugin[]): TenantryMysqlExecutor {
    return new TenantryMysqlExecutor(this.#compiler, this.#adapter, provider, this.#driver, plugins);
  }

  override withPlugins(plugins: ReadonlyArray<KyselyPlugin>): TenantryMysqlExecutor {
    return this.#with(this.#provider, [...this.plugins, ...plugins]);
  }

  override withPlugin(plugin: KyselyPlugin): TenantryMysqlExecutor {
    return this.#with(this.#provider, [...this.plugins, plugin]);
  }

  override withPluginAtFront(plugin: KyselyPlugin): TenantryMysqlExecutor {
    return this.#with(this.#provider, [plugin, ...this.plugins]);
  }

  override withConnectionProvider(provider: ConnectionProvider): TenantryMysqlExecutor {
    return this.#with(provider, [...this.plugins]);
  }

  override withoutPlugins(): TenantryMysqlExecutor {
    return this.#with(this.#provider, []);
  }
}

class TenantryMysqlDriver implements Driver, ConnectionProvider {
  readonly #pool: MysqlPool;
  readonly #server: string;
  readonly #lifecycle: Lifecycle;
  /** One wrapper per pooled connection, for the connection's life. */
  readonly #connections = new WeakMap<MysqlPoolConnection, PooledConnection>();

  constructor(pool: MysqlPool, server: string, lifecycle: Lifecycle) {
    this.#pool = pool;
    this.#server = server;
    this.#lifecycle = lifecycle;
  }

  async init(): Promise<void> {
    this.#lifecycle.assertAlive();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return new Promise((resolve, reject) => {
      this.#lifecycle.assertAlive(); // a throw here rejects the promise
      this.#pool.getConnection((error, raw) => {
        if (error) reject(this.translate(error));
        else resolve(this.#wrap(raw));
      });
    });
  }

  /**
   * Runs `consumer` on a pooled connection and gives the connection back when it settles, as
   * Kysely's DefaultConnectionProvider does: its result, or its error, is the query's (a failed
   * release is the query's error too).
   */
  provideConnection<T>(consumer: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#lifecycle.assertAlive(); // a throw here rejects the promise
      this.#pool.getConnection((error, raw) => {
        if (error) return reject(this.translate(error));
        const settle = (ok: boolean, outcome: unknown) => {
          try {
            raw.release();
          } catch (releaseError) {
            return reject(releaseError);
          }
          if (ok) resolve(outcome as T);
          else reject(outcome);
        };
        let running: Promise<T>;
        try {
          running = consumer(this.#wrap(raw));
        } catch (consumerError) {
          return settle(false, consumerError);
        }
        running.then(
          (value) => settle(true, value),
          (consumerError: unknown) => settle(false, consumerError),
        );
      });
    });
  }

  /**
   * One query on a pooled connection, given back when the query ends: a failed release is the
   * query's error, as in provideConnection.
   */
  query<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    return new Promise((resolve, reject) => {
      this.#lifecycle.assertAlive(); // a throw here rejects the promise
      this.#pool.getConnection((error, raw) => {
        if (error) return reject(this.translate(error));
        raw.query(compiledQuery.sql, compiledQuery.parameters as unknown[], (queryError, result) => {
          try {
            raw.release();
          } catch (releaseError) {
            return reject(releaseError);
          }
          if (queryError) reject(this.translate(queryError));
          else resolve(shapeResult(result) as QueryResult<R>);
        });
      });
    });
  }

  #wrap(raw: MysqlPoolConnection): PooledConnection {
    let connection = this.#connections.get(raw);
    if (!connection) {
      connection = new PooledConnection(raw, this);
      this.#connections.set(raw, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const parts: string[] = [];
    if (settings.isolationLevel) parts.push(`isolation level ${settings.isolationLevel}`);
    if (settings.accessMode) parts.push(settings.accessMode);
    // On MySQL this sets the isolation level of the next transaction only.
    if (parts.length > 0) await connection.executeQuery(CompiledQuery.raw(`set transaction ${parts.join(', ')}`));
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    await connection.executeQuery(compile(sql`savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    await connection.executeQuery(compile(sql`rollback to ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: SavepointCompiler): Promise<void> {
    await connection.executeQuery(compile(sql`release savepoint ${sql.id(name)}`.toOperationNode(), createQueryId()));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PooledConnection).raw.release();
  }

  /** The pool is the server's: MysqlServer.destroy ends it (or, when shared, leaves it). */
  async destroy(): Promise<void> {}

  translate(error: unknown): unknown {
    return translateDriverError(error, this.#server, this.#lifecycle);
  }
}

type SavepointCompiler = Parameters<NonNullable<Driver['savepoint']>>[2];

class PooledConnection implements DatabaseConnection {
  constructor(
    readonly raw: MysqlPoolConnection,
    readonly driver: TenantryMysqlDriver,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return new Promise((resolve, reject) => {
      this.raw.query(query.sql, query.parameters as unknown[], (error, result) => {
        if (error) reject(this.driver.translate(error));
        else resolve(shapeResult(result) as QueryResult<R>);
      });
    });
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stream = this.raw.query(query.sql, query.parameters as unknown[]).stream<R>({ objectMode: true });
    try {
      for await (const row of stream) yield { rows: [row] };
    } catch (error) {
      // mysql2 ends the stream this way when the reader stops early (as Kysely's driver notes).
      if ((error as { code?: unknown } | null)?.code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      throw this.driver.translate(error);
    }
  }
}

/** A mysql2 result as Kysely's MysqlDriver returns it: rows, or the counts of a write as bigints. */
function shapeResult(result: MysqlQueryResult): QueryResult<unknown> {
  if (Array.isArray(result)) return { rows: result };
  if (typeof result === 'object' && result !== null && 'insertId' in result && 'affectedRows' in result) {
    const { insertId, affectedRows, changedRows } = result;
    return {
      insertId: insertId !== undefined && insertId !== null && insertId.toString() !== '0' ? BigInt(insertId) : undefined,
      numAffectedRows: affectedRows !== undefined && affectedRows !== null ? BigInt(affectedRows) : undefined,
      numChangedRows: changedRows !== undefined && changedRows !== null ? BigInt(changedRows) : undefined,
      rows: [],
    };
  }
  return { rows: [] };
}
