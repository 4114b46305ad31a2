export const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'deleting'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** One row of the registry: everything needed to reach a tenant's database. */
export interface TenantRecord {
  readonly id: number;
  /** The name as created; unique case-insensitively. */
  readonly name: string;
  /** The database (MySQL) or file stem (SQLite) on `server`; validated and stored, never taken from a request. */
  readonly database: string;
  /** A server named in TENANCY_SERVERS. */
  readonly server: string;
  readonly status: TenantStatus;
  /** Grows by one on every write to the row; a cache compares it to drop stale entries. */
  readonly generation: number;
  /** How many tenant schema migrations are applied (per the last run of the migrator). */
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A tenant as people and scripts see it (CLI `--json`, admin API): no internal id or cache generation. */
export interface TenantSummary {
  readonly name: string;
  readonly status: TenantStatus;
  readonly server: string;
  readonly database: string;
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function tenantSummary(record: TenantRecord): TenantSummary {
  return {
    name: record.name,
    status: record.status,
    server: record.server,
    database: record.database,
    schemaVersion: record.schemaVersion,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface NewTenant {
  readonly name: string;
  readonly database: string;
  readonly server: string;
}

export interface ListTenantsOptions {
  readonly status?: TenantStatus;
  /** Keyset pagination: names after this key (lower-cased). */
  readonly after?: string;
  readonly limit?: number;
}

export interface VersionedTenant {
  readonly record: TenantRecord | undefined;
  readonly version: number;
}

/** The tenants table. Every method maps driver failures to RegistryUnavailableError. */
export interface TenantRegistry {
  /** Creates or upgrades the registry schema. Idempotent. */
  migrate(): Promise<void>;
  get(name: string): Promise<TenantRecord | undefined>;
  /**
   * The row and the registry's version, read in one statement. The version changes with every
   * write through this interface, in the same transaction: the tenant cache confirms expired
   * entries by reading the version alone (see TenantCache). Optional for other registries.
   */
  getVersioned?(name: string): Promise<VersionedTenant>;
  /** The registry's version now (see getVersioned). */
  version?(): Promise<number>;
  list(options?: ListTenantsOptions): Promise<TenantRecord[]>;
  /** Every tenant (optionally of one status), read page by page: any registry size, bounded memory. */
  all(options?: Omit<ListTenantsOptions, 'after'>): AsyncIterable<TenantRecord>;
  count(): Promise<number>;
  /**
   * The rows whose database is `database` on one of `servers` (the names of one physical server),
   * oldest first. Database names compare case-insensitively (see databaseKey).
   */
  findByDatabase(servers: readonly string[], database: string): Promise<TenantRecord[]>;
  /**
   * Inserts a row in status `provisioning`. TenantExistsError when the name is taken;
   * DatabaseInUseError (naming the tenant) when another row names the same server and database.
   */
  insert(tenant: NewTenant): Promise<TenantRecord>;
  /** Moves a tenant to `to`, only if it is in one of `from`; returns the new row, or undefined when no row matched. */
  setStatus(name: string, to: TenantStatus, from: readonly TenantStatus[]): Promise<TenantRecord | undefined>;
  setSchemaVersion(name: string, version: number): Promise<TenantRecord | undefined>;
  remove(name: string): Promise<boolean>;
  /** Throws RegistryUnavailableError unless the registry answers. */
  ping(): Promise<void>;
  destroy(): Promise<void>;
}
