import type { ConnectionManager } from '../connections/connection-manager.js';
import { forEachConcurrent } from '../concurrency.js';
import {
  DatabaseExistsError,
  DatabaseMissingError,
  InvalidStateError,
  MigrationFailedError,
  TenantExistsError,
  TenantNotFoundError,
} from '../errors.js';
import { describeError } from '../logger.js';
import type { TenantMigrator } from '../migrations/tenant-migrator.js';
import { assertDatabaseName, assertTenantName, databaseNameFor, tenantKey } from '../names.js';
import type { TenantRecord, TenantRegistry, TenantStatus } from '../registry/types.js';

export interface CreateTenantOptions {
  /** A server named in TENANCY_SERVERS; the first one by default. */
  readonly server?: string;
  /** The database to use; derived from the name and prefix by default. */
  readonly database?: string;
  /** Register a database that already exists (and bring its schema up to date) instead of creating one. */
  readonly adopt?: boolean;
}

export interface CreateManyOptions extends Omit<CreateTenantOptions, 'database'> {
  readonly concurrency?: number;
  readonly onResult?: (result: CreateResult) => void;
}

export interface CreateResult {
  readonly tenant: string;
  readonly status: 'created' | 'failed';
  readonly record?: TenantRecord;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface DeleteTenantOptions {
  /** Remove the registry row only; the database stays on its server. */
  readonly keepDatabase?: boolean;
}

export interface ProvisionerConfig {
  readonly registry: TenantRegistry;
  readonly connections: ConnectionManager;
  readonly migrator: TenantMigrator;
  readonly dbPrefix: string;
  readonly defaultServer: string;
  /** Called after every registry write, to drop cached copies here and elsewhere. */
  readonly onChange: (tenant: string) => Promise<void>;
}

export const DEFAULT_CREATE_CONCURRENCY = 8;

/** Creates, adopts, suspends, resumes and deletes tenant databases, keeping the registry in step. */
export class Provisioner {
  readonly #c: ProvisionerConfig;
  readonly #creating = new Map<string, Promise<void>>();

  constructor(config: ProvisionerConfig) {
    this.#c = config;
  }

  /**
   * Registers the tenant (`provisioning`), creates its database, migrates it, marks it `active`.
   * Re-running a create that stopped half way completes it.
   */
  async create(name: string, options: CreateTenantOptions = {}): Promise<TenantRecord> {
    assertTenantName(name);
    if (options.database !== undefined) assertDatabaseName(options.database);
    // Two creates of one name in this process run one after the other, so the second sees the
    // first's finished row (tenant_exists) instead of taking its half-done row for a crash.
    const key = tenantKey(name);
    const previous = this.#creating.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.#create(name, options));
    // What the next create of this name waits for: this one finishing, whichever way.
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#creating.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.#creating.get(key) === settled) this.#creating.delete(key);
    }
  }

  async #create(name: string, options: CreateTenantOptions): Promise<TenantRecord> {
    const { registry, connections } = this.#c;

    let record = await registry.get(name);
    if (record) {
      const sameTarget =
        (options.database === undefined || options.database === record.database) &&
        (options.server === undefined || options.server === record.server);
      if (record.status !== 'provisioning' || !sameTarget) throw new TenantExistsError(record.name);
    } else {
      const serverName = options.server ?? this.#c.defaultServer;
      const server = connections.server(serverName);
      const database = options.database ?? databaseNameFor(name, this.#c.dbPrefix);
      const exists = await server.databaseExists(database);
      if (options.adopt && !exists) throw new DatabaseMissingError(database);
      if (!options.adopt && exists) throw new DatabaseExistsError(database);
      record = await registry.insert({ name, database, server: serverName });
      await this.#c.onChange(name);
    }

    const server = connections.server(record.server);
    if (!options.adopt) await server.createDatabase(record.database);
    else if (!(await server.databaseExists(record.database))) throw new DatabaseMissingError(record.database);

    const migration = await this.#c.migrator.migrateTenant(record);
    if (migration.status === 'failed') throw new MigrationFailedError(record.name, migration.error ?? 'unknown error');

    const active = await registry.setStatus(record.name, 'active', ['provisioning']);
    await this.#c.onChange(record.name);
    if (active) return active;
    // Another process finished (or removed) the same tenant meanwhile.
    const now = await registry.get(record.name);
    if (now && now.status !== 'provisioning') throw new TenantExistsError(now.name);
    throw new InvalidStateError(`tenant "${record.name}" changed while it was being created`);
  }

  /** Creates many tenants, `concurrency` at a time; one result per name, whatever fails. */
  async createMany(names: readonly string[], options: CreateManyOptions = {}): Promise<CreateResult[]> {
    const results: CreateResult[] = [];
    await forEachConcurrent(names, options.concurrency ?? DEFAULT_CREATE_CONCURRENCY, async (name) => {
      let result: CreateResult;
      try {
        const record = await this.create(name, options);
        result = { tenant: name, status: 'created', record };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        result = {
          tenant: name,
          status: 'failed',
          error: { code: typeof code === 'string' ? code : 'error', message: describeError(error) },
        };
      }
      results.push(result);
      options.onResult?.(result);
    });
    return results;
  }

  async suspend(name: string): Promise<TenantRecord> {
    return this.#transition(name, 'suspended', ['active']);
  }

  async resume(name: string): Promise<TenantRecord> {
    return this.#transition(name, 'active', ['suspended']);
  }

  /** Marks the tenant `deleting` (so it stops being served), drops its database, then removes the row. */
  async delete(name: string, options: DeleteTenantOptions = {}): Promise<TenantRecord> {
    assertTenantName(name);
    const { registry, connections } = this.#c;
    const record = await registry.get(name);
    if (!record) throw new TenantNotFoundError(name);
    await registry.setStatus(record.name, 'deleting', ['provisioning', 'active', 'suspended', 'deleting']);
    await this.#c.onChange(record.name);
    if (!options.keepDatabase) await connections.server(record.server).dropDatabase(record.database);
    await registry.remove(record.name);
    await this.#c.onChange(record.name);
    return record;
  }

  async #transition(name: string, to: TenantStatus, from: readonly TenantStatus[]): Promise<TenantRecord> {
    assertTenantName(name);
    const updated = await this.#c.registry.setStatus(name, to, from);
    if (updated) {
      await this.#c.onChange(updated.name);
      return updated;
    }
    const current = await this.#c.registry.get(name);
    if (!current) throw new TenantNotFoundError(name);
    if (current.status === to) return current;
    throw new InvalidStateError(`tenant "${current.name}" is ${current.status}; it must be ${from.join(' or ')} to become ${to}`);
  }
}
