import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteHandlePool, openSqlite } from './sqlite-handle-pool.js';

describe('SqliteHandlePool', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-pool-'));
  const paths = Array.from({ length: 5 }, (_, i) => {
    const path = join(dir, `t${i}.db`);
    openSqlite(path, { create: true }).close();
    return path;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps at most `max` handles open, closing the least recently used', async () => {
    const pool = new SqliteHandlePool(2);
    const handles = [];
    for (const path of paths) {
      const lease = await pool.acquire(path);
      handles.push(lease.handle);
      lease.release();
    }
    expect(pool.open).toBe(2);
    expect(handles.filter((h) => h.db.open)).toHaveLength(2);
    expect(handles[0]?.db.open).toBe(false);
    expect(handles[4]?.db.open).toBe(true);
    pool.closeAll();
    expect(handles.every((h) => !h.db.open)).toBe(true);
  });

  it('never closes a handle in use: eviction waits for the last lease', async () => {
    const pool = new SqliteHandlePool(1);
    const busy = await pool.acquire(paths[0]!);
    const other = await pool.acquire(paths[1]!); // evicts paths[0] while leased
    expect(busy.handle.db.open).toBe(true);
    expect(busy.handle.db.prepare('select 1 as one').get()).toEqual({ one: 1 });
    busy.release();
    expect(busy.handle.db.open).toBe(false);
    other.release();
    expect(pool.open).toBe(1);
    pool.closeAll();
  });

  it('hands a handle to one user at a time', async () => {
    const pool = new SqliteHandlePool(4);
    const first = await pool.acquire(paths[2]!);
    let secondIn = false;
    const second = pool.acquire(paths[2]!).then((lease) => {
      secondIn = true;
      return lease;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(secondIn).toBe(false);
    expect(pool.waiting).toBe(1);
    first.release();
    (await second).release();
    expect(secondIn).toBe(true);
    pool.closeAll();
  });

  it('fails to open a file that does not exist instead of creating it', async () => {
    const pool = new SqliteHandlePool(4);
    await expect(pool.acquire(join(dir, 'missing.db'))).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' });
    expect(pool.open).toBe(0);
  });
});
