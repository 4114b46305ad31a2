import type { ConnectionManager } from '../connections/connection-manager.js';
import { forEachConcurrent } from '../concurrency.js';
import {
  DatabaseExistsError,
  DatabaseInUseError,
  DatabaseMissingError,
  InvalidStateError,
  MigrationFailedError,
  TenantExistsError,
  TenantNotFoundError,
} from '../errors.js';
import { describeError } from '../logger.js';
import type { TenantMigrator } from '../migrations/tenant-migrator.js';
import { assertDatabaseName, assertTenantName, databaseNameFor, isServerSchema, tenantKey } from '../names.js';
import type { TenantRecord, TenantRegistry, TenantStatus } from '../registry/types.js';
import type { PhysicalLayout } from './physical-layout.js';

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
  /** Which servers are one physical server, and which database is the registry's. */
  readonly layout: PhysicalLayout;
  /** Called after every registry write, to drop cached copies here and elsewhere. */
  readonly onChange: (tenant: string) => Promise<void>;
}

export const DEFAULT_CREATE_CONCURRENCY = 8;

const DROP_REFUSED = 'it was not dropped';

/** Whether a create's options point at the database of an existing row (or leave it open). */
function sameTarget(record: TenantRecord, options: CreateTenantOptions): boolean {
  return (
    (options.database === undefined || options.database === record.database) &&
    (options.server === undefined || options.server === record.server)
  );
}

/** A database name a tenant may ask for: a server's own schema is in use, anything else must be valid. */
function assertTenantDatabaseName(database: string): void {
  if (isServerSchema(database)) throw new DatabaseInUseError(database, 'server');
  assertDatabaseName(database);
}

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
    if (options.database !== undefined) assertTenantDatabaseName(options.database);
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
      if (record.status !== 'provisioning' || !sameTarget(record, options)) throw new TenantExistsError(record.name);
      // The row of a create that stopped half way (or one edited by hand): checked like a new one.
      await this.#assertFree(record.server, record.database, record.name);
    } else {
      const serverName = options.server ?? this.#c.defaultServer;
      const database = options.database ?? databaseNameFor(name, this.#c.dbPrefix);
      const exists = await this.#assertFree(serverName, database, name);
      if (options.adopt && !exists) throw new DatabaseMissingError(database);
      if (!options.adopt && exists) throw new DatabaseExistsError(database);
      record = await registry.insert({ name, database, server: serverName });
      await this.#c.onChange(name);
      await this.#backOffIfShared(record);
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

  /**
   * Throws what create() would refuse before writing anything: a name that cannot be a tenant,
   * an unknown server, a database that is the registry's, the server's own or another tenant's
   * (DatabaseInUseError). A tenant that exists already is left for create() to report.
   */
  async assertCanCreate(name: string, options: CreateTenantOptions = {}): Promise<void> {
    assertTenantName(name);
    if (options.database !== undefined) assertTenantDatabaseName(options.database);
    const record = await this.#c.registry.get(name);
    if (record) {
      if (record.status === 'provisioning' && sameTarget(record, options)) {
        await this.#assertFree(record.server, record.database, record.name);
      }
      return;
    }
    const server = options.server ?? this.#c.defaultServer;
    await this.#assertFree(server, options.database ?? databaseNameFor(name, this.#c.dbPrefix), name);
  }

  /**
   * Throws what delete() would refuse before writing anything: TenantNotFoundError, or
   * DatabaseInUseError when its database (to be dropped) is the registry's, the server's own or
   * also another tenant's.
   */
  async assertCanDelete(name: string, options: DeleteTenantOptions = {}): Promise<TenantRecord> {
    assertTenantName(name);
    const record = await this.#c.registry.get(name);
    if (!record) throw new TenantNotFoundError(name);
    if (!options.keepDatabase) await this.#assertFree(record.server, record.database, record.name, DROP_REFUSED);
    return record;
  }

  /**
   * Refuses (DatabaseInUseError) a database that no tenant `self` may take or drop: a schema of
   * the server itself, the registry's database (by configuration, or by its tables, however the
   * server was reached), or one that another registry row names on the same physical server.
   * Returns whether the database exists. Reads only.
   */
  async #assertFree(serverName: string, database: string, self: string, consequence?: string): Promise<boolean> {
    const { layout, registry, connections } = this.#c;
    if (isServerSchema(database)) throw new DatabaseInUseError(database, 'server', undefined, consequence);
    assertDatabaseName(database);
    if (layout.isRegistryDatabase(serverName, database)) throw new DatabaseInUseError(database, 'registry', undefined, consequence);
    const owners = await registry.findByDatabase(layout.aliasesOf(serverName), database);
    const other = owners.find((r) => tenantKey(r.name) !== tenantKey(self));
    if (other) throw new DatabaseInUseError(database, 'tenant', other.name, consequence);
    const server = connections.server(serverName);
    const exists = await server.databaseExists(database);
    if (exists && (await server.holdsRegistry(database))) throw new DatabaseInUseError(database, 'registry', undefined, consequence);
    return exists;
  }

  /**
   * After the insert: when another row now names the same physical database (a create racing
   * this one through another name of the server), this row goes and the create is refused.
   * Both racers may back off; neither takes a database the other may hold.
   */
  async #backOffIfShared(record: TenantRecord): Promise<void> {
    const { layout, registry } = this.#c;
    const owners = await registry.findByDatabase(layout.aliasesOf(record.server), record.database);
    const other = owners.find((r) => r.id !== record.id);
    if (!other) return;
    await registry.remove(record.name);
    await this.#c.onChange(record.name);
    throw new DatabaseInUseError(record.database, 'tenant', other.name);
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

  /**
   * Marks the tenant `deleting` (so it stops being served), drops its database, then removes the
   * row. Refuses first, changing nothing, to drop a database that is not the tenant's alone
   * (see assertCanDelete); `keepDatabase` removes such a row.
   */
  async delete(name: string, options: DeleteTenantOptions = {}): Promise<TenantRecord> {
    const { registry, connections } = this.#c;
    const record = await this.assertCanDelete(name, options);
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
