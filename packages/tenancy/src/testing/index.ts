import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';

/** The MariaDB the tests use (root, no password, on loopback by default). */
export const TEST_MYSQL_URL = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type TestDriver = 'mysql' | 'sqlite';
export const TEST_DRIVERS: readonly TestDriver[] = ['mysql', 'sqlite'];

/** A database prefix no other test run shares: `tt_<label>_<random>_`. */
export function uniquePrefix(label: string): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `tt_${label.replace(/[^a-z0-9]/gi, '').slice(0, 12).toLowerCase()}_${random}_`;
}

export interface TestEnvironment {
  readonly driver: TestDriver;
  readonly prefix: string;
  /** Environment variables for loadConfig or a child process. */
  readonly env: Record<string, string>;
  /** Drops every database and file this environment created. */
  cleanup(): Promise<void>;
}

/**
 * An isolated registry and tenant server for one test file: on MySQL a registry database and
 * tenant databases under a unique prefix, on SQLite a temporary folder.
 */
export function createTestEnvironment(driver: TestDriver, label: string): TestEnvironment {
  const prefix = uniquePrefix(label);
  if (driver === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `tenantry-${prefix}`));
    return {
      driver,
      prefix,
      env: { DATABASE_URL: `sqlite:${dir}/registry.db`, TENANCY_DB_PREFIX: prefix },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const registryDb = `${prefix}registry`;
  return {
    driver,
    prefix,
    env: { DATABASE_URL: `${TEST_MYSQL_URL.replace(/\/$/, '')}/${registryDb}`, TENANCY_DB_PREFIX: prefix },
    cleanup: () => dropMysqlDatabases(prefix),
  };
}

/** Drops every MySQL database whose name starts with `prefix` (the registry included). */
export async function dropMysqlDatabases(prefix: string, url: string = TEST_MYSQL_URL): Promise<void> {
  if (!/^tt_[a-z0-9_]+_$/.test(prefix)) throw new Error(`refusing to drop databases under prefix "${prefix}"`);
  const conn = await mysql.createConnection(url);
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(
      'select schema_name as name from information_schema.schemata where schema_name like ?',
      [`${prefix.replace(/_/g, '\\_')}%`],
    );
    for (const row of rows) await conn.query(`drop database if exists \`${String(row.name).replace(/`/g, '``')}\``);
  } finally {
    await conn.end();
  }
}

/** Runs SQL as root on the test MariaDB (for tests that set up drift or count connections). */
export async function withMysqlRoot<T>(run: (conn: mysql.Connection) => Promise<T>, url: string = TEST_MYSQL_URL): Promise<T> {
  const conn = await mysql.createConnection(url);
  try {
    return await run(conn);
  } finally {
    await conn.end();
  }
}
export { TcpProxy } from './tcp-proxy.js';
export { importGraph } from './import-graph.js';
