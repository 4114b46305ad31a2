import type { Kysely } from 'kysely';
import type { ServerConfig } from '../config.js';
import { DestroyedError, UnknownServerError } from '../errors.js';
import type { TenantRecord } from '../registry/types.js';
import type { PoolStats, TenantDatabaseServer, TenantDatabaseServerFactory } from './types.js';

export interface ConnectionManagerConfig {
  readonly servers: readonly ServerConfig[];
  readonly factory: TenantDatabaseServerFactory;
}

/**
 * Tenant -> Kysely. One pool per named server, opened on first use, shared by all its tenants.
 * `DB` is the product's tenant database type: what `forTenant` hands out.
 */
export class ConnectionManager<DB = any> {
  readonly #configs: ReadonlyMap<string, ServerConfig>;
  readonly #factory: TenantDatabaseServerFactory;
  readonly #servers = new Map<string, TenantDatabaseServer>();
  #destroyed = false;

  constructor(config: ConnectionManagerConfig) {
    this.#configs = new Map(config.servers.map((s) => [s.name, s]));
    this.#factory = config.factory;
  }

  get serverNames(): string[] {
    return [...this.#configs.keys()];
  }

  /** The configuration of every server, in the order given. */
  get serverConfigs(): ServerConfig[] {
    return [...this.#configs.values()];
  }

  /** The server named `name`; UnknownServerError when the configuration has none. */
  server(name: string): TenantDatabaseServer {
    if (this.#destroyed) throw new DestroyedError('the connection manager');
    let server = this.#servers.get(name);
    if (!server) {
      const config = this.#configs.get(name);
      if (!config) throw new UnknownServerError(name);
      server = this.#factory(config);
      this.#servers.set(name, server);
    }
    return server;
  }

  /** Kysely for the tenant's database, addressed through its registry record only. */
  forTenant(tenant: Pick<TenantRecord, 'server' | 'database'>): Kysely<DB> {
    return this.server(tenant.server).database(tenant.database);
  }

  /** Pool figures of every server opened so far. */
  stats(): PoolStats[] {
    return [...this.#servers.values()].map((s) => s.stats());
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    this.#destroyed = true;
    const servers = [...this.#servers.values()];
    this.#servers.clear();
    await Promise.allSettled(servers.map((s) => s.destroy()));
  }
}
