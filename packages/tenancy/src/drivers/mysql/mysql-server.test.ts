import { afterAll, describe, expect, it } from 'vitest';
import { MysqlServer } from './mysql-server.js';

describe('MysqlServer per-tenant Kysely', () => {
  // No query runs here: compiling needs no connection.
  const server = new MysqlServer({ name: 'm', url: 'mysql://root@127.0.0.1:3306', maxConnections: 1, schemaTransformers: 2 });
  afterAll(() => server.destroy());

  it('qualifies every table with its own database, also when shared transformers are evicted', () => {
    const databases = ['tenant_a', 'tenant_b', 'tenant_c', 'tenant_d', 'tenant_e'];
    for (let round = 0; round < 3; round++) {
      for (const database of round === 1 ? [...databases].reverse() : databases) {
        const db = server.database(database);
        const select = db.selectFrom('users').select(['id', 'username']).where('id', '=', 1).compile().sql;
        const insert = db.insertInto('users').values({ username: 'x' }).compile().sql;
        for (const text of [select, insert]) {
          expect(text).toContain(`\`${database}\`.\`users\``);
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
