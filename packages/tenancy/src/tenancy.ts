import type { Kysely } from 'kysely';
import type { InvalidationBus } from './cache/invalidation.js';
import { TenantCache } from './cache/tenant-cache.js';
import type { ConnectionManager } from './connections/connection-manager.js';
import { TenantNotFoundError, TenantSuspendedError, TenantUnavailableError } from './errors.js';
import { type TenancyLogger, describeError, silentLogger } from './logger.js';
import { TenantMigrator } from './migrations/tenant-migrator.js';
import { DEFAULT_DB_PREFIX, tenantKey } from './names.js';
import { PhysicalLayout } from './provisioning/physical-layout.js';
import { Provisioner } from './provisioning/provisioner.js';
import type { TenantRecord, TenantRegistry } from './registry/types.js';
import { DEFAULT_CACHE_TTL_MS } from './config.js';
import type { TenantMigrations } from './tenantry-config.js';

export interface TenancyDeps<DB = any> {
  readonly registry: TenantRegistry;
  readonly connections: ConnectionManager<DB>;
  /** The product's tenant schema: what create applies and migrate brings every tenant to. */
  readonly migrations: TenantMigrations;
  readonly dbPrefix?: string;
  /** Where new tenants go; the first configured server by default. */
  readonly defaultServer?: string;
  /**
   * Which servers are one physical server and where the registry lives, so that no tenant takes,
   * adopts or drops the registry's database. By default the servers of `connections` with the
   * registry unknown (then only its tables give it away: TenantDatabaseServer.holdsRegistry).
   */
  readonly layout?: PhysicalLayout;
  readonly cacheTtlMs?: number;
  readonly negativeTtlMs?: number;
  readonly cacheMax?: number;
  /** Spreads invalidations to other processes (Redis); local invalidation happens regardless. */
  readonly invalidation?: InvalidationBus;
  readonly logger?: TenancyLogger;
}

/** A tenant that may be served, with the Kysely that reaches its database alone, typed by the product's schema. */
export interface TenantHandle<DB = any> {
  readonly tenant: TenantRecord;
  readonly db: Kysely<DB>;
}

/**
 * The core in one object: a tenant name to its record (cached) and the Kysely for its database,
 * provisioning and migrations. Owns the registry and the pools: `destroy()` closes them.
 * `DB` is the product's tenant database type (`createTenancy` takes it from the product's config).
 */
export class Tenancy<DB = any> {
  readonly registry: TenantRegistry;
  readonly connections: ConnectionManager<DB>;
  readonly cache: TenantCache;
  readonly migrator: TenantMigrator;
  readonly provisioner: Provisioner;
  readonly dbPrefix: string;
  /** Which servers are one physical server, and which database is the registry's. */
  readonly layout: PhysicalLayout;
  readonly #invalidation: InvalidationBus | undefined;
  readonly #logger: TenancyLogger;
  /**
   * The handle of each record the cache holds, made once. A record stays the same object while
   * its entry lives (a registry read makes a new one), so a request finds its handle with one
   * lookup, where the server's and the database's lookups (an LRU of as many entries as tenants)
   * and a new object each took their turn.
   */
  readonly #handles = new WeakMap<TenantRecord, TenantHandle<DB>>();

  constructor(deps: TenancyDeps<DB>) {
    this.registry = deps.registry;
    this.connections = deps.connections;
    this.dbPrefix = deps.dbPrefix ?? DEFAULT_DB_PREFIX;
    this.layout = deps.layout ?? new PhysicalLayout({ servers: deps.connections.serverConfigs });
    this.#invalidation = deps.invalidation;
    this.#logger = deps.logger ?? silentLogger;
    this.cache = new TenantCache({
      registry: deps.registry,
      ttlMs: deps.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
      ...(deps.negativeTtlMs === undefined ? {} : { negativeTtlMs: deps.negativeTtlMs }),
      ...(deps.cacheMax === undefined ? {} : { max: deps.cacheMax }),
      logger: this.#logger,
    });
    this.migrator = new TenantMigrator({
      registry: deps.registry,
      connections: deps.connections,
      migrations: deps.migrations,
    });
    const defaultServer = deps.defaultServer ?? deps.connections.serverNames[0];
    if (!defaultServer) throw new Error('Tenancy needs at least one tenant database server');
    this.provisioner = new Provisioner({
      registry: deps.registry,
      connections: deps.connections,
      migrator: this.migrator,
      dbPrefix: this.dbPrefix,
      defaultServer,
      layout: this.layout,
      onChange: (tenant) => this.invalidate(tenant),
    });
    this.#invalidation?.subscribe((message) => {
      if (message.all) this.cache.clear();
      else this.cache.invalidate(message.tenant);
    });
  }

  /**
   * The tenant and the Kysely for its database alone: the handle itself when the cache holds a
   * fresh answer (the per-request path: no promise), a promise of it otherwise; `await` takes
   * either. Throws (when it answers at once) or rejects with InvalidTenantNameError (no query
   * made), TenantNotFoundError, TenantSuspendedError, TenantUnavailableError (being provisioned
   * or deleted) or RegistryUnavailableError.
   */
  tenant(name: string): TenantHandle<DB> | Promise<TenantHandle<DB>> {
    const entry = this.cache.lookup(name);
    return entry instanceof Promise ? entry.then((e) => this.#handle(name, e.record)) : this.#handle(name, entry.record);
  }

  /** The handle of a servable record (the errors of {@link servable} otherwise). */
  #handle(name: string, record: TenantRecord | undefined): TenantHandle<DB> {
    const tenant = servable(name, record);
    let handle = this.#handles.get(tenant);
    if (handle === undefined) {
      handle = { tenant, db: this.connections.forTenant(tenant) };
      this.#handles.set(tenant, handle);
    }
    return handle;
  }

  /** Drops the cached entry here and tells other processes to do the same. Never throws. */
  async invalidate(tenant: string): Promise<void> {
    this.cache.invalidate(tenant);
    if (!this.#invalidation) return;
    try {
      await this.#invalidation.publish({ tenant: tenantKey(tenant) });
    } catch (error) {
      this.#logger.warn('publishing a tenant invalidation failed; other instances fall back to the cache TTL', {
        tenant,
        error: describeError(error),
      });
    }
  }

  async destroy(): Promise<void> {
    await Promise.allSettled([this.#invalidation?.close(), this.connections.destroy(), this.registry.destroy()]);
  }
}

/** The record of a tenant that may be served now, or the error that says why not. */
function servable(name: string, record: TenantRecord | undefined): TenantRecord {
  if (!record) throw new TenantNotFoundError(name);
  if (record.status === 'active') return record;
  if (record.status === 'suspended') throw new TenantSuspendedError(record.name);
  throw new TenantUnavailableError(record.name, record.status);
}
