import { Kysely, MysqlDialect, type MysqlPool, sql } from 'kysely';
import mysql from 'mysql2';
import { KyselyTenantRegistry, type RegistrySchema } from '../../registry/kysely-tenant-registry.js';
import { quoteMysqlIdentifier } from '../../names.js';
import { mysqlPoolOptions } from './mysql-server.js';
import { SchemaScopedMysqlDialect } from './schema-scoped-mysql-dialect.js';

export const DEFAULT_REGISTRY_MAX_CONNECTIONS = 4;

export interface MysqlRegistryConfig {
  /** `mysql://user:pass@host:port`; the database is named separately. */
  readonly url: string;
  readonly database: string;
  readonly maxConnections?: number;
  readonly poolOptions?: mysql.PoolOptions;
}

/**
 * The registry in a MySQL database. Its pool has no default database (so `init` can create
 * the database) and addresses the tables by qualified name, like every other query here.
 */
export function createMysqlRegistry(config: MysqlRegistryConfig): KyselyTenantRegistry {
  const pool = mysql.createPool(
    mysqlPoolOptions(config.url, config.maxConnections ?? DEFAULT_REGISTRY_MAX_CONNECTIONS, config.poolOptions),
  );
  return createMysqlRegistryOnPool(pool as unknown as MysqlPool, config.database);
}

/** The registry in database `database`, on connections from `pool`; `destroy()` ends that pool. */
export function createMysqlRegistryOnPool(pool: MysqlPool, database: string): KyselyTenantRegistry {
  const quoted = quoteMysqlIdentifier(database);
  const root = new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
  return new KyselyTenantRegistry({
    db: root.withSchema(database) as Kysely<RegistrySchema>,
    migrationDb: new Kysely<any>({ dialect: new SchemaScopedMysqlDialect({ pool }, database) }).withSchema(database),
    migrationTableSchema: database,
    beforeMigrate: async () => {
      await sql`create database if not exists ${sql.raw(quoted)} character set utf8mb4`.execute(root);
    },
    onDestroy: () => root.destroy(),
  });
}
