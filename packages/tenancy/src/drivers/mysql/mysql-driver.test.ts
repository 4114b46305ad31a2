import type { Generated, Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestroyedError } from '../../errors.js';
import { TEST_MYSQL_URL, dropMysqlDatabases, uniquePrefix } from '../../testing/index.js';
import { MysqlServer } from './mysql-server.js';

interface Items {
  items: { id: Generated<number>; label: string };
}

// The driver under MysqlServer's Kysely instances, on the real MariaDB: results shaped as
// Kysely's own MySQL driver shapes them, transactions, savepoints, streams, errors.
describe('TenantryMysqlDialect', () => {
  const prefix = uniquePrefix('driver');
  const database = `${prefix}db`;
  const server = new MysqlServer({ name: 'driver-test', url: TEST_MYSQL_URL, maxConnections: 2 });
  let db: Kysely<Items>;
  const labels = async () => (await db.selectFrom('items').select('label').orderBy('id').execute()).map((r) => r.label);
  const idle = () => expect(server.stats()).toMatchObject({ inUse: 0, waiting: 0 });

  beforeAll(async () => {
    await server.createDatabase(database);
    db = server.database(database) as unknown as Kysely<Items>;
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('label', 'varchar(50)', (c) => c.notNull().unique())
      .execute();
  });
  afterAll(async () => {
    await server.destroy();
    await dropMysqlDatabases(prefix);
  });

  it('returns rows, and the counts of a write as bigints', async () => {
    const first = await db.insertInto('items').values({ label: 'a' }).executeTakeFirstOrThrow();
    expect(first.insertId).toBe(1n);
    expect(first.numInsertedOrUpdatedRows).toBe(1n);
    await db.insertInto('items').values([{ label: 'b' }, { label: 'c' }]).execute();
    const update = await db.updateTable('items').set({ label: 'b' }).where('label', 'in', ['b', 'c']).executeTakeFirst().catch((e: unknown) => e);
    // Duplicate key: the SQL error comes through as mysql2 raised it.
    expect(update).toMatchObject({ code: 'ER_DUP_ENTRY' });
    const same = await db.updateTable('items').set({ label: 'b' }).where('label', '=', 'b').executeTakeFirstOrThrow();
    expect(same.numUpdatedRows).toBe(1n);
    expect(same.numChangedRows).toBe(0n);
    const removed = await db.deleteFrom('items').where('label', '=', 'c').executeTakeFirstOrThrow();
    expect(removed.numDeletedRows).toBe(1n);
    expect(await db.selectFrom('items').select(['id', 'label']).orderBy('id').execute()).toEqual([
      { id: 1, label: 'a' },
      { id: 2, label: 'b' },
    ]);
    await expect(db.selectFrom('items').select('label').where('id', '=', 99).executeTakeFirst()).resolves.toBeUndefined();
    idle();
  });

  it('gives each connection back when its query settles, failed or not, with more queries than connections', async () => {
    const missing = db as unknown as Kysely<{ no_such_table: { label: string } }>;
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0
          ? missing.selectFrom('no_such_table').select('label').execute()
          : db.selectFrom('items').select('label').where('id', '=', 1).executeTakeFirst(),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code?: string }).code)).toEqual(Array(4).fill('ER_NO_SUCH_TABLE'));
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(Array(8).fill({ label: 'a' }));
    // A consumer that throws before it hands back a promise, and one whose promise rejects.
    const executor = db.getExecutor();
    const throwsAtOnce = () => {
      throw new Error('at once');
    };
    await expect(executor.provideConnection(throwsAtOnce)).rejects.toThrow('at once');
    await expect(db.connection().execute(() => Promise.reject(new Error('later')))).rejects.toThrow('later');
    const held = await db.connection().execute(async (one) => (await one.selectFrom('items').select('label').where('id', '=', 1).execute()).length);
    expect(held).toBe(1);
    idle();
  });

  it('still applies a plugin that changes results', async () => {
    // The tenant's own queries skip the result step (its schema plugin leaves results alone);
    // a Kysely with another plugin must not, inside a transaction or out of it.
    const upper: KyselyPlugin = {
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => ({ ...result, rows: result.rows.map((r) => ({ ...r, label: String(r.label).toUpperCase() })) }),
    };
    const shouting = db.withPlugin(upper);
    expect(await shouting.selectFrom('items').select('label').where('id', '=', 1).execute()).toEqual([{ label: 'A' }]);
    expect(await shouting.transaction().execute((trx) => trx.selectFrom('items').select('label').where('id', '=', 1).execute())).toEqual([{ label: 'A' }]);
    expect(await db.selectFrom('items').select('label').where('id', '=', 1).execute()).toEqual([{ label: 'a' }]);
    idle();
  });

  it('commits a transaction, rolls back a failed one, and applies its settings', async () => {
    await db.transaction().execute((trx) => trx.insertInto('items').values({ label: 'committed' }).execute());
    const failed = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ label: 'rolled back' }).execute();
      throw new Error('stop');
    });
    await expect(failed).rejects.toThrow('stop');
    // The transaction's settings reach the server: a read-only one refuses a write.
    const readOnly = db
      .transaction()
      .setIsolationLevel('serializable')
      .setAccessMode('read only')
      .execute((trx) => trx.insertInto('items').values({ label: 'read only' }).execute());
    await expect(readOnly).rejects.toMatchObject({ code: 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' });
    expect(await labels()).toEqual(['a', 'b', 'committed']);
    idle();
  });

  it('rolls back to a savepoint and releases one', async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('items').values({ label: 'before savepoint' }).execute();
    const sp = await trx.savepoint('sp1').execute();
    await sp.insertInto('items').values({ label: 'after savepoint' }).execute();
    const back = await sp.rollbackToSavepoint('sp1').execute();
    const sp2 = await back.savepoint('sp2').execute();
    await sp2.insertInto('items').values({ label: 'kept' }).execute();
    await (await sp2.releaseSavepoint('sp2').execute()).commit().execute();
    expect(await labels()).toEqual(['a', 'b', 'committed', 'before savepoint', 'kept']);
    idle();
  });

  it('streams rows, and gives the connection back when the reader stops early', async () => {
    const streamed: string[] = [];
    for await (const row of db.selectFrom('items').select('label').orderBy('id').stream()) streamed.push(row.label);
    expect(streamed).toEqual(await labels());
    let read = 0;
    for await (const _ of db.selectFrom('items').select('label').stream()) if (++read === 2) break;
    expect(read).toBe(2);
    idle();
  });

  it('refuses work once the server is destroyed', async () => {
    const other = new MysqlServer({ name: 'driver-destroyed', url: TEST_MYSQL_URL, maxConnections: 1 });
    const odb = other.database(database) as unknown as Kysely<Items>;
    expect(await odb.selectFrom('items').select('label').where('id', '=', 1).executeTakeFirst()).toEqual({ label: 'a' });
    await other.destroy();
    await expect(odb.selectFrom('items').select('label').execute()).rejects.toBeInstanceOf(DestroyedError);
  });
});
