import type { InvalidationBus } from './cache/invalidation.js';
import { type DatabaseLocation, type ServerConfig, type TenancyConfig, describeLocation, loadConfig } from './config.js';
import { ConnectionManager } from './connections/connection-manager.js';
import type { TenantDatabaseServer } from './connections/types.js';
import { ConfigError } from './errors.js';
import { type TenancyLogger, silentLogger } from './logger.js';
import { PhysicalLayout } from './provisioning/physical-layout.js';
import type { TenantRegistry } from './registry/types.js';
import { Tenancy, type TenancyDeps } from './tenancy.js';
import type { TenantryConfig } from './tenantry-config.js';

/**
 * What a runtime supplies to the core, as functions: how to reach the registry and the tenant
 * database servers, and how to spread cache invalidations. Node, Deno and Workers each have one:
 * `nodeRuntime()` (`@tenantry/tenancy/node`), `mysqlRuntime()` (`/mysql`), `edgeRuntime()` (`/edge`).
 */
export interface TenancyRuntime {
  /** The runtime's name, for messages: `node`, `deno`, `workers`. */
  readonly name: string;
  /** The kinds of location this runtime reaches; a config naming another is refused before anything opens. */
  readonly reaches: readonly DatabaseLocation['kind'][];
  /** The canonical form of a SQLite path (absolute, symlinks followed), so two spellings of one folder are one server. */
  readonly resolvePath?: (path: string) => string;
  /** The registry at `location` (one of the kinds in `reaches`). */
  registry(location: DatabaseLocation, settings: TenancyConfig): TenantRegistry;
  /** A tenant database server; called on the server's first use. */
  server(server: ServerConfig, settings: TenancyConfig): TenantDatabaseServer;
  /** The bus that spreads invalidations to other processes (Redis on Node), or none. */
  invalidation?(settings: TenancyConfig, logger: TenancyLogger): InvalidationBus | undefined;
}

export interface CreateTenancyOptions {
  readonly runtime: TenancyRuntime;
  /** The validated connection settings; by default read from `env` with the config's `connection` defaults. */
  readonly settings?: TenancyConfig;
  /** Where the settings are read from when `settings` is not given: `process.env`, a Worker's env. */
  readonly env?: Readonly<Record<string, unknown>>;
  readonly logger?: TenancyLogger;
  /** For tests and benchmarks: cache sizes and TTLs, another registry or invalidation bus. */
  readonly overrides?: Partial<Omit<TenancyDeps, 'connections' | 'migrations'>>;
}

/** How each kind of location is written, for the message that refuses one. */
const LOCATION_SYNTAX: Readonly<Record<DatabaseLocation['kind'], string>> = {
  mysql: 'mysql://…',
  sqlite: 'sqlite:path',
  hyperdrive: 'hyperdrive://<BINDING>[/<database>]',
};

/**
 * The one composition of the core: a `Tenancy<DB>` for a product's config on a runtime, with
 * its registry, tenant servers (opened on first use), cache, invalidation and migrations.
 * Throws ConfigError for settings the runtime cannot reach.
 */
export function createTenancy<DB>(config: TenantryConfig<DB>, options: CreateTenancyOptions): Tenancy<DB> {
  const { runtime, overrides = {} } = options;
  const logger = options.logger ?? overrides.logger ?? silentLogger;
  const settings = options.settings ?? loadConfig(options.env ?? {}, config.connection);
  const { migrations } = config;
  if (typeof migrations === 'string') {
    throw new ConfigError(
      `migrations: the folder "${migrations}" is read by the Node loader (loadConfigFile in @tenantry/tenancy/node); give the migrations themselves here`,
    );
  }
  assertReachable(runtime, settings);
  const registry = overrides.registry ?? runtime.registry(settings.registry, settings);
  const invalidation = 'invalidation' in overrides ? overrides.invalidation : runtime.invalidation?.(settings, logger);
  return new Tenancy<DB>({
    connections: new ConnectionManager<DB>({ servers: settings.servers, factory: (server) => runtime.server(server, settings) }),
    migrations,
    dbPrefix: settings.dbPrefix,
    layout: new PhysicalLayout({
      registry: settings.registry,
      servers: settings.servers,
      ...(runtime.resolvePath ? { resolvePath: runtime.resolvePath } : {}),
    }),
    cacheTtlMs: settings.cacheTtlMs,
    logger,
    ...overrides,
    registry,
    ...(invalidation ? { invalidation } : {}),
  });
}

/** Refuses a registry or tenant server this runtime cannot reach (SQLite on Workers, say). */
function assertReachable(runtime: TenancyRuntime, settings: TenancyConfig): void {
  const use = runtime.reaches.map((kind) => LOCATION_SYNTAX[kind]).join(' or ');
  if (!runtime.reaches.includes(settings.registry.kind)) {
    throw new ConfigError(
      settings.embeddedDefault
        ? `DATABASE_URL must be set on ${runtime.name}, e.g. ${use}: the embedded SQLite default needs Node`
        : `DATABASE_URL: ${describeLocation(settings.registry)} cannot be reached on ${runtime.name}; use ${use}`,
    );
  }
  for (const { name, location } of settings.servers) {
    if (!runtime.reaches.includes(location.kind)) {
      throw new ConfigError(`TENANCY_SERVERS (${name}): ${describeLocation(location)} cannot be reached on ${runtime.name}; use ${use}`);
    }
  }
}
