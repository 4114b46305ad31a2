import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { SqliteHandlePool, SqliteLease } from './sqlite-handle-pool.js';

/** A Kysely dialect for one SQLite file whose handle is borrowed from a shared, bounded pool. */
export class PooledSqliteDialect implements Dialect {
  constructor(
    readonly pool: SqliteHandlePool,
    readonly path: string,
  ) {}
  createDriver(): Driver {
    return new PooledSqliteDriver(this.pool, this.path);
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new SqliteAdapter();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db);
  }
}

class PooledSqliteDriver implements Driver {
  constructor(
    readonly pool: SqliteHandlePool,
    readonly path: string,
  ) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new LeasedSqliteConnection(await this.pool.acquire(this.path));
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as LeasedSqliteConnection).lease.release();
  }

  /** The pool owns the handles; nothing to close per tenant. */
  async destroy(): Promise<void> {}
}

class LeasedSqliteConnection implements DatabaseConnection {
  constructor(readonly lease: SqliteLease) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.lease.handle.prepare(query.sql);
    const params = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(params) as R[] };
    const { changes, lastInsertRowid } = statement.run(params);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize = 100): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.lease.handle.prepare(query.sql);
    if (!statement.reader) throw new Error('only a query that returns rows can be streamed');
    let chunk: R[] = [];
    for (const row of statement.iterate(query.parameters as unknown[])) {
      chunk.push(row as R);
      if (chunk.length >= chunkSize) {
        yield { rows: chunk };
        chunk = [];
      }
    }
    if (chunk.length > 0) yield { rows: chunk };
  }
}
