import { type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { ConnectionManager } from '../connections/connection-manager.js';
import { forEachConcurrent } from '../concurrency.js';
import { describeError } from '../logger.js';
import type { TenantRecord, TenantRegistry } from '../registry/types.js';
import type { TenantMigrations } from '../tenantry-config.js';

export const DEFAULT_MIGRATION_CONCURRENCY = 4;
/**
 * Where each tenant database records its migrations. Fixed: a product's migrations land in the
 * table the core used before products declared their own schema, so a tenant migrated then, under
 * the same migration names, is current now.
 */
export const TENANT_MIGRATION_TABLE = 'tenantry_migration';
export const TENANT_MIGRATION_LOCK_TABLE = 'tenantry_migration_lock';

export type TenantMigrationStatus = 'applied' | 'current' | 'failed';

/** What migrating one tenant did. Never thrown: failures are results. */
export interface TenantMigrationResult {
  readonly tenant: string;
  readonly status: TenantMigrationStatus;
  /** Migrations run by this call, in order. */
  readonly applied: readonly string[];
  /** Migrations in place after the call. */
  readonly version: number;
  readonly error?: string;
}

export interface MigrateAllOptions {
  readonly concurrency?: number;
  /** Called as each tenant finishes (progress bars). */
  readonly onResult?: (result: TenantMigrationResult) => void;
}

export interface TenantMigratorConfig {
  readonly registry: TenantRegistry;
  readonly connections: ConnectionManager;
  /** The product's tenant schema. */
  readonly migrations: TenantMigrations;
}

/** Runs the product's tenant schema migrations with Kysely's Migrator, one tenant or all of them. */
export class TenantMigrator {
  readonly #registry: TenantRegistry;
  readonly #connections: ConnectionManager;
  readonly #provider: MigrationProvider;
  #loaded: Promise<Record<string, Migration>> | undefined;

  constructor(config: TenantMigratorConfig) {
    this.#registry = config.registry;
    this.#connections = config.connections;
    const { migrations } = config;
    this.#provider = isProvider(migrations) ? migrations : { getMigrations: async () => ({ ...migrations }) };
  }

  /** The product's migrations, read once (a provider that fails is asked again next time). */
  migrations(): Promise<Record<string, Migration>> {
    this.#loaded ??= this.#provider.getMigrations().catch((error: unknown) => {
      this.#loaded = undefined;
      throw error;
    });
    return this.#loaded;
  }

  /** How many migrations a current tenant has. */
  async latestVersion(): Promise<number> {
    return Object.keys(await this.migrations()).length;
  }

  #migratorFor(tenant: Pick<TenantRecord, 'server' | 'database'>): Migrator {
    const server = this.#connections.server(tenant.server);
    return new Migrator({
      db: server.migrationDatabase(tenant.database),
      provider: { getMigrations: () => this.migrations() },
      migrationTableName: TENANT_MIGRATION_TABLE,
      migrationLockTableName: TENANT_MIGRATION_LOCK_TABLE,
      // On MySQL the schema names the tenant database, and with it the migration lock.
      ...(server.dialect === 'mysql' ? { migrationTableSchema: tenant.database } : {}),
    });
  }

  /** Brings one tenant database to the latest schema and records the version in the registry. */
  async migrateTenant(tenant: TenantRecord): Promise<TenantMigrationResult> {
    let applied: string[] = [];
    try {
      // Kysely's Migrator creates a missing schema; a tenant database that vanished must be
      // reported, never silently replaced by an empty one.
      if (!(await this.#connections.server(tenant.server).databaseExists(tenant.database))) {
        return { tenant: tenant.name, status: 'failed', applied, version: tenant.schemaVersion, error: `database "${tenant.database}" does not exist` };
      }
      const { error, results = [] } = await this.#migratorFor(tenant).migrateToLatest();
      applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
      if (error) {
        const failed = results.find((r) => r.status === 'Error')?.migrationName;
        const version = await this.#appliedCount(tenant).catch(() => tenant.schemaVersion);
        return {
          tenant: tenant.name,
          status: 'failed',
          applied,
          version,
          error: `${failed ? `${failed}: ` : ''}${describeError(error)}`,
        };
      }
      const version = await this.latestVersion();
      if (tenant.schemaVersion !== version) await this.#registry.setSchemaVersion(tenant.name, version);
      return { tenant: tenant.name, status: applied.length > 0 ? 'applied' : 'current', applied, version };
    } catch (error) {
      return { tenant: tenant.name, status: 'failed', applied, version: tenant.schemaVersion, error: describeError(error) };
    }
  }

  /** Migrates many tenants, `concurrency` at a time; one result per tenant, whatever fails. */
  async migrateAll(
    tenants: Iterable<TenantRecord> | AsyncIterable<TenantRecord>,
    options: MigrateAllOptions = {},
  ): Promise<TenantMigrationResult[]> {
    const results: TenantMigrationResult[] = [];
    await forEachConcurrent(tenants, options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY, async (tenant) => {
      const result = await this.migrateTenant(tenant);
      results.push(result);
      options.onResult?.(result);
    });
    return results;
  }

  /** Names of the migrations not yet applied to a tenant database (read from the database, not the registry). */
  async pending(tenant: Pick<TenantRecord, 'server' | 'database'>): Promise<string[]> {
    const migrations = await this.#migratorFor(tenant).getMigrations();
    return migrations.filter((m) => !m.executedAt).map((m) => m.name);
  }

  async #appliedCount(tenant: Pick<TenantRecord, 'server' | 'database'>): Promise<number> {
    return (await this.latestVersion()) - (await this.pending(tenant)).length;
  }
}

function isProvider(migrations: TenantMigrations): migrations is MigrationProvider {
  return typeof (migrations as Partial<MigrationProvider>).getMigrations === 'function';
}
