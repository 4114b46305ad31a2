import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';

export const DEFAULT_SQLITE_MAX_OPEN = 256;

/** An open SQLite file, used by one Kysely connection at a time. */
export class SqliteHandle {
  leases = 0;
  retired = false;
  #tail: Promise<void> = Promise.resolve();
  readonly statements: LRUCache<string, Database.Statement> = new LRUCache({ max: 64 });

  constructor(
    readonly path: string,
    readonly db: Database.Database,
  ) {}

  /** Waits for the handle's previous user; resolves with the function that lets the next one in. */
  lock(): Promise<() => void> {
    let unlock!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => (unlock = resolve));
    return previous.then(() => unlock);
  }

  prepare(query: string): Database.Statement {
    let statement = this.statements.get(query);
    if (!statement) {
      statement = this.db.prepare(query);
      this.statements.set(query, statement);
    }
    return statement;
  }
}

export interface SqliteLease {
  readonly handle: SqliteHandle;
  release(): void;
}

/** Opens a SQLite file the way every Tenantry database is opened: WAL, a busy timeout, foreign keys. */
export function openSqlite(path: string, options: { create: boolean }): Database.Database {
  const db = new Database(path, { fileMustExist: !options.create });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Open SQLite handles, bounded by an LRU. An evicted handle is closed at once when idle, or when
 * its last lease ends, so eviction never pulls a file out from under a running query.
 */
export class SqliteHandlePool {
  readonly #handles: LRUCache<string, SqliteHandle>;
  readonly #retiredBusy = new Set<SqliteHandle>();
  readonly max: number;

  constructor(max: number = DEFAULT_SQLITE_MAX_OPEN) {
    this.max = max;
    this.#handles = new LRUCache<string, SqliteHandle>({
      max,
      dispose: (handle) => this.#retire(handle),
    });
  }

  async acquire(path: string): Promise<SqliteLease> {
    let handle = this.#handles.get(path);
    if (!handle) {
      handle = new SqliteHandle(path, openSqlite(path, { create: false }));
      this.#handles.set(path, handle);
    }
    handle.leases++;
    let unlock: () => void;
    try {
      unlock = await handle.lock();
    } catch (error) {
      this.#endLease(handle);
      throw error;
    }
    let released = false;
    return {
      handle,
      release: () => {
        if (released) return;
        released = true;
        unlock();
        this.#endLease(handle);
      },
    };
  }

  /** Closes the handle of `path`, if open (before the file is deleted). */
  evict(path: string): void {
    this.#handles.delete(path);
  }

  get open(): number {
    return this.#handles.size + this.#retiredBusy.size;
  }

  get inUse(): number {
    let n = this.#retiredBusy.size;
    for (const handle of this.#handles.values()) if (handle.leases > 0) n++;
    return n;
  }

  get waiting(): number {
    let n = 0;
    for (const handle of this.#handles.values()) n += Math.max(0, handle.leases - 1);
    for (const handle of this.#retiredBusy) n += Math.max(0, handle.leases - 1);
    return n;
  }

  closeAll(): void {
    this.#handles.clear();
    for (const handle of this.#retiredBusy) closeQuietly(handle);
    this.#retiredBusy.clear();
  }

  #retire(handle: SqliteHandle): void {
    handle.retired = true;
    if (handle.leases === 0) closeQuietly(handle);
    else this.#retiredBusy.add(handle);
  }

  #endLease(handle: SqliteHandle): void {
    handle.leases--;
    if (handle.retired && handle.leases === 0) {
      this.#retiredBusy.delete(handle);
      closeQuietly(handle);
    }
  }
}

function closeQuietly(handle: SqliteHandle): void {
  handle.statements.clear();
  if (handle.db.open) handle.db.close();
}
