import { afterAll, describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import mysql from 'mysql2';
import { MysqlServer, formatQuery, mysqlPoolOptions } from './mysql-server.js';

describe('MysqlServer per-tenant Kysely', () => {
  // No query runs here: compiling needs no connection.
  const server = new MysqlServer({ name: 'm', url: 'mysql://root@127.0.0.1:3306', maxConnections: 1, schemaTransformers: 2 });
  afterAll(() => server.destroy());

  it('qualifies every table with its own database, also when shared transformers are evicted', () => {
    const databases = ['tenant_a', 'tenant_b', 'tenant_c', 'tenant_d', 'tenant_e'];
    for (let round = 0; round < 3; round++) {
      for (const database of round === 1 ? [...databases].reverse() : databases) {
        const db = server.database(database);
        const select = db.selectFrom('notes').select(['id', 'title']).where('id', '=', 1).compile().sql;
        const insert = db.insertInto('notes').values({ title: 'x' }).compile().sql;
        for (const text of [select, insert]) {
          expect(text).toContain(`\`${database}\`.\`notes\``);
          for (const other of databases) if (other !== database) expect(text).not.toContain(other);
        }
      }
    }
  });

  it('hands out one Kysely per database and refuses an unsafe name', () => {
    expect(server.database('tenant_a')).toBe(server.database('tenant_a'));
    expect(() => server.database('a`b')).toThrow(/invalid database name/);
  });
});

describe('the pools’ query formatting', () => {
  const pool = mysql.createPool(mysqlPoolOptions('mysql://root@127.0.0.1:3306', 1));
  afterAll(() => new Promise<void>((resolve) => pool.end(() => resolve())));
  const query = (text: string, values?: unknown[]) =>
    new Promise<unknown[]>((resolve, reject) => pool.query(text, values, (error, rows) => (error ? reject(error) : resolve(rows as unknown[]))));

  it('writes values in as mysql2 does, and sends a statement without values as it is', async () => {
    const tricky = ["it's", 'back\\slash', 'quote"', '?', null, 7, 1.5, true, new Date(Date.UTC(2026, 10, 26, 12, 0, 0))];
    for (const value of tricky) {
      expect(formatQuery.call({ config: {} }, 'select ? as v', [value])).toBe(mysql.format('select ? as v', [value]));
    }
    expect(formatQuery.call({ config: {} }, 'select ?? from t', ['a`b'])).toBe('select `a``b` from t');
    // No values: the text as it is, question marks and all (mysql2 fills none either).
    for (const values of [[], undefined, null]) {
      expect(formatQuery.call({ config: {} }, "select '?' as q, ? as p", values)).toBe("select '?' as q, ? as p");
    }

    // And on the server, through a pool with these options.
    expect(mysqlPoolOptions('mysql://root@127.0.0.1:3306', 1).queryFormat).toBe(formatQuery);
    expect(await query('select ? as a, ? as b', ["it's", 'back\\slash'])).toEqual([{ a: "it's", b: 'back\\slash' }]);
    expect(await query("select '?' as q", [])).toEqual([{ q: '?' }]);
    expect(await query("select 'x' as q")).toEqual([{ q: 'x' }]);
    await expect(query('select ? as a', [])).rejects.toMatchObject({ code: 'ER_PARSE_ERROR' });
  });
});

describe('the pools’ connections', () => {
  // A full GC on demand, without starting vitest's workers with --expose-gc.
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;

  /** Heap held by `count` open connections of a pool made with `options`, per connection. */
  async function heapPerConnection(options: mysql.PoolOptions, count = 8): Promise<number> {
    const heapUsed = () => {
      collectGarbage();
      return process.memoryUsage().heapUsed;
    };
    const before = heapUsed();
    const pool = mysql.createPool({ ...options, connectionLimit: count });
    try {
      const connections = await Promise.all(Array.from({ length: count }, () => pool.promise().getConnection()));
      for (const connection of connections) connection.release();
      return (heapUsed() - before) / count;
    } finally {
      await pool.promise().end();
    }
  }

  it('do not each hold mysql2’s 16,000-slot prepared-statement cache', async () => {
    const ours = mysqlPoolOptions('mysql://root@127.0.0.1:3306', 8);
    expect(ours.maxPreparedStatements).toBe(16);
    // mysql2's own default, measured beside ours: its cache alone is about half a MiB.
    const { maxPreparedStatements: _, ...mysql2Default } = ours;
    const withDefault = await heapPerConnection(mysql2Default);
    const withOurs = await heapPerConnection(ours);
    expect(withDefault - withOurs).toBeGreaterThan(256 * 1024);
    // A caller's own value still wins.
    expect(mysqlPoolOptions('mysql://root@127.0.0.1:3306', 1, { maxPreparedStatements: 500 }).maxPreparedStatements).toBe(500);
  });
});
