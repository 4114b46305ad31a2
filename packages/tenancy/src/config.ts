import { z } from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_DB_PREFIX, assertDbPrefix } from './names.js';

export const DEFAULT_DATABASE_URL = 'sqlite:.data/registry.db';
export const DEFAULT_MAX_CONNECTIONS = 10;
export const DEFAULT_CACHE_TTL_MS = 30_000;
export const DEFAULT_SERVER_NAME = 'default';
/** The registry database behind a `hyperdrive://BINDING` URL that names none. */
export const DEFAULT_REGISTRY_DATABASE = 'tenantry';

/**
 * Where a database lives: a MySQL server (`mysql://…`), a SQLite file or folder (`sqlite:path`),
 * or a MySQL server behind a Cloudflare Hyperdrive binding (`hyperdrive://BINDING[/database]`).
 * Which kinds a process can reach depends on its runtime (see TenancyRuntime).
 */
export type DatabaseLocation =
  | { readonly kind: 'mysql'; readonly url: string; readonly database: string | undefined }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'hyperdrive'; readonly binding: string; readonly database: string | undefined };

export interface ServerConfig {
  readonly name: string;
  readonly location: DatabaseLocation;
}

/** The validated connection settings of a process (API, CLI, Worker): databases, cache, invalidation. */
export interface TenancyConfig {
  readonly registry: DatabaseLocation;
  readonly servers: readonly ServerConfig[];
  readonly dbPrefix: string;
  readonly maxConnections: number;
  readonly cacheTtlMs: number;
  readonly redisUrl: string | undefined;
  /** True when neither DATABASE_URL nor the config file names the registry: the embedded SQLite default. */
  readonly embeddedDefault: boolean;
}

/**
 * Defaults for the connection settings, as a product's `tenantry.config.ts` gives them. Each
 * environment variable, when set, overrides its own default.
 */
export interface ConnectionDefaults {
  /** `DATABASE_URL`: the registry database. */
  readonly databaseUrl?: string;
  /** `TENANCY_SERVERS`: `name=url,name=url`, or the URLs by server name. */
  readonly servers?: string | Readonly<Record<string, string>>;
  /** `TENANCY_DB_PREFIX` */
  readonly dbPrefix?: string;
  /** `TENANCY_MAX_CONNECTIONS` */
  readonly maxConnections?: number;
  /** `TENANCY_CACHE_TTL_MS` */
  readonly cacheTtlMs?: number;
  /** `REDIS_URL` */
  readonly redisUrl?: string;
}

/** Each variable and the ConnectionDefaults field that gives its default. */
const VARIABLES = {
  DATABASE_URL: 'databaseUrl',
  TENANCY_SERVERS: 'servers',
  TENANCY_DB_PREFIX: 'dbPrefix',
  TENANCY_MAX_CONNECTIONS: 'maxConnections',
  TENANCY_CACHE_TTL_MS: 'cacheTtlMs',
  REDIS_URL: 'redisUrl',
} as const satisfies Record<string, keyof ConnectionDefaults>;
type Variable = keyof typeof VARIABLES;

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const positiveInt = (fallback: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(max).default(fallback));

const EnvSchema = z.object({
  DATABASE_URL: optionalString,
  TENANCY_SERVERS: optionalString,
  TENANCY_DB_PREFIX: z.string().default(DEFAULT_DB_PREFIX),
  TENANCY_MAX_CONNECTIONS: positiveInt(DEFAULT_MAX_CONNECTIONS, 1000),
  TENANCY_CACHE_TTL_MS: positiveInt(DEFAULT_CACHE_TTL_MS, 86_400_000),
  REDIS_URL: optionalString,
});

const DefaultsSchema = z.strictObject({
  databaseUrl: z.string().optional(),
  servers: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  dbPrefix: z.string().optional(),
  maxConnections: z.number().optional(),
  cacheTtlMs: z.number().optional(),
  redisUrl: z.string().optional(),
});

/**
 * Turns an environment (a plain object: `process.env`, or a Worker's env, whose bindings are
 * ignored) into validated connection settings, with `defaults` (a config file's `connection`)
 * for the variables that are not set. Throws {@link ConfigError} naming every bad variable, or
 * the config field its value came from; never echoes a password.
 */
export function loadConfig(
  env: Readonly<Record<string, unknown>>,
  defaults: ConnectionDefaults = {},
): TenancyConfig {
  const checked = DefaultsSchema.safeParse(defaults);
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${['connection', ...issue.path].join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }

  // Each variable's value: the environment's when set (a blank one counts as unset, but for the
  // prefix, which may be empty), else the config file's; and what to call it in an error.
  const raw: Partial<Record<Variable, unknown>> = {};
  const label = {} as Record<Variable, string>;
  for (const [variable, field] of Object.entries(VARIABLES) as [Variable, keyof ConnectionDefaults][]) {
    const fromEnv = variable === 'TENANCY_DB_PREFIX' ? env[variable] : blankToUndefined(env[variable]);
    const fallback = defaults[field];
    const fromFile = fallback === undefined ? undefined : field === 'servers' ? serversSpec(fallback as ConnectionDefaults['servers']) : String(fallback);
    raw[variable] = fromEnv ?? fromFile;
    label[variable] = fromEnv === undefined && fromFile !== undefined ? `connection.${field} (config file)` : variable;
  }

  const parsed = EnvSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${label[issue.path[0] as Variable] ?? issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const registry = parseDatabaseUrl(e.DATABASE_URL ?? DEFAULT_DATABASE_URL, label.DATABASE_URL);
  if (registry.kind === 'mysql' && !registry.database) {
    throw new ConfigError(`${label.DATABASE_URL} must name the registry database, e.g. mysql://root@127.0.0.1:3306/tenantry`);
  }
  try {
    assertDbPrefix(e.TENANCY_DB_PREFIX);
  } catch (error) {
    throw new ConfigError(`${label.TENANCY_DB_PREFIX}: ${(error as Error).message}`);
  }
  return {
    registry,
    servers: e.TENANCY_SERVERS ? parseServers(e.TENANCY_SERVERS, label.TENANCY_SERVERS) : [defaultServerFor(registry)],
    dbPrefix: e.TENANCY_DB_PREFIX,
    maxConnections: e.TENANCY_MAX_CONNECTIONS,
    cacheTtlMs: e.TENANCY_CACHE_TTL_MS,
    redisUrl: e.REDIS_URL,
    embeddedDefault: e.DATABASE_URL === undefined,
  };
}

/** The `name=url,…` form of a config file's servers. */
function serversSpec(servers: ConnectionDefaults['servers']): string {
  if (typeof servers === 'string') return servers;
  return Object.entries(servers ?? {})
    .map(([name, url]) => `${name}=${url}`)
    .join(',');
}

const HYPERDRIVE_URL = /^hyperdrive:\/\/([A-Za-z_][A-Za-z0-9_]*)(?:\/([^/?#\s]*))?$/;

/** Parses `mysql://user:pass@host:port/db`, `sqlite:path` or `hyperdrive://BINDING[/db]`. */
export function parseDatabaseUrl(url: string, variable: string): DatabaseLocation {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new ConfigError(`${variable}: a sqlite URL needs a path, e.g. sqlite:.data/registry.db`);
    return { kind: 'sqlite', path };
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(`${variable}: not a valid URL: ${redactUrl(url)}`);
    }
    if (!parsed.hostname) throw new ConfigError(`${variable}: the URL has no host: ${redactUrl(url)}`);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined;
    return { kind: 'mysql', url, database };
  }
  if (url.startsWith('hyperdrive:')) {
    const match = HYPERDRIVE_URL.exec(url.trim());
    if (!match) throw new ConfigError(`${variable}: expected hyperdrive://<BINDING>[/<database>], got "${url}"`);
    return { kind: 'hyperdrive', binding: match[1]!, database: match[2] ? decodeURIComponent(match[2]) : undefined };
  }
  throw new ConfigError(`${variable}: unsupported URL ${redactUrl(url)}; use mysql://…, sqlite:path or hyperdrive://<BINDING>`);
}

function parseServers(spec: string, variable: string): ServerConfig[] {
  const servers: ServerConfig[] = [];
  for (const part of spec.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const name = eq > 0 ? trimmed.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
      throw new ConfigError(`${variable}: expected name=url pairs separated by commas, got "${redactUrl(trimmed)}"`);
    }
    if (servers.some((s) => s.name === name)) throw new ConfigError(`${variable}: server "${name}" is named twice`);
    servers.push({ name, location: parseDatabaseUrl(trimmed.slice(eq + 1).trim(), `${variable} (${name})`) });
  }
  if (servers.length === 0) throw new ConfigError(`${variable} is set but names no server`);
  return servers;
}

/**
 * The default tenant server: the registry's own MySQL server (or Hyperdrive binding), or a
 * `tenants/` folder beside the registry file.
 */
function defaultServerFor(registry: DatabaseLocation): ServerConfig {
  switch (registry.kind) {
    case 'sqlite': {
      const slash = registry.path.lastIndexOf('/');
      const dir = slash >= 0 ? registry.path.slice(0, slash) : '.';
      return { name: DEFAULT_SERVER_NAME, location: { kind: 'sqlite', path: `${dir || '/'}/tenants` } };
    }
    case 'hyperdrive':
      return { name: DEFAULT_SERVER_NAME, location: { kind: 'hyperdrive', binding: registry.binding, database: undefined } };
    case 'mysql': {
      const url = new URL(registry.url);
      url.pathname = '/';
      return { name: DEFAULT_SERVER_NAME, location: { kind: 'mysql', url: url.toString(), database: undefined } };
    }
  }
}

/** A URL fit for a log line or an error message: the password replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@/]*)@/i, '$1***@');
}

/** A location fit for a log line. */
export function describeLocation(location: DatabaseLocation): string {
  switch (location.kind) {
    case 'sqlite':
      return `sqlite:${location.path}`;
    case 'hyperdrive':
      return `hyperdrive://${location.binding}${location.database ? `/${location.database}` : ''}`;
    case 'mysql':
      return redactUrl(location.url);
  }
}
