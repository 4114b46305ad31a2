import { z } from 'zod';
import { ConfigError } from './errors.js';
import { DEFAULT_DB_PREFIX, assertDbPrefix } from './names.js';

export const DEFAULT_DATABASE_URL = 'sqlite:.data/registry.db';
export const DEFAULT_MAX_CONNECTIONS = 10;
export const DEFAULT_CACHE_TTL_MS = 30_000;
export const DEFAULT_PORT = 3000;
export const DEFAULT_SERVER_NAME = 'default';
export const IDENTIFY_MODES = ['path', 'host', 'header'] as const;
export type IdentifyMode = (typeof IDENTIFY_MODES)[number];

/** Where a database lives: a MySQL server (`mysql://…`) or a SQLite file or folder. */
export type DatabaseLocation =
  | { readonly kind: 'mysql'; readonly url: string; readonly database: string | undefined }
  | { readonly kind: 'sqlite'; readonly path: string };

export interface ServerConfig {
  readonly name: string;
  readonly location: DatabaseLocation;
}

/** The whole validated configuration of a Tenantry process (API or CLI). */
export interface TenancyConfig {
  readonly registry: DatabaseLocation;
  readonly servers: readonly ServerConfig[];
  readonly dbPrefix: string;
  readonly maxConnections: number;
  readonly cacheTtlMs: number;
  readonly redisUrl: string | undefined;
  readonly port: number;
  readonly identify: IdentifyMode;
  readonly baseDomain: string | undefined;
  readonly adminToken: string | undefined;
  /** True when DATABASE_URL was not set and the embedded SQLite default is in use. */
  readonly embeddedDefault: boolean;
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());
const positiveInt = (fallback: number, max: number) =>
  z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(max).default(fallback));

const EnvSchema = z.object({
  DATABASE_URL: optionalString,
  TENANCY_SERVERS: optionalString,
  TENANCY_DB_PREFIX: z.preprocess((v) => (v === undefined ? undefined : v), z.string().default(DEFAULT_DB_PREFIX)),
  TENANCY_MAX_CONNECTIONS: positiveInt(DEFAULT_MAX_CONNECTIONS, 1000),
  TENANCY_CACHE_TTL_MS: positiveInt(DEFAULT_CACHE_TTL_MS, 86_400_000),
  REDIS_URL: optionalString,
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT)),
  TENANCY_IDENTIFY: z.preprocess(blankToUndefined, z.enum(IDENTIFY_MODES).default('path')),
  TENANCY_BASE_DOMAIN: optionalString,
  ADMIN_TOKEN: optionalString,
});

/**
 * Turns an environment (a plain object: `process.env`, or a Worker's vars) into a validated
 * config. Throws {@link ConfigError} naming every bad variable; never echoes a password.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): TenancyConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const registry = parseDatabaseUrl(e.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'DATABASE_URL');
  if (registry.kind === 'mysql' && !registry.database) {
    throw new ConfigError('DATABASE_URL must name the registry database, e.g. mysql://root@127.0.0.1:3306/tenantry');
  }
  try {
    assertDbPrefix(e.TENANCY_DB_PREFIX);
  } catch (error) {
    throw new ConfigError(`TENANCY_DB_PREFIX: ${(error as Error).message}`);
  }
  if (e.TENANCY_IDENTIFY === 'host' && !e.TENANCY_BASE_DOMAIN) {
    throw new ConfigError('TENANCY_IDENTIFY=host needs TENANCY_BASE_DOMAIN (tenants are <tenant>.<TENANCY_BASE_DOMAIN>)');
  }
  return {
    registry,
    servers: e.TENANCY_SERVERS ? parseServers(e.TENANCY_SERVERS) : [defaultServerFor(registry)],
    dbPrefix: e.TENANCY_DB_PREFIX,
    maxConnections: e.TENANCY_MAX_CONNECTIONS,
    cacheTtlMs: e.TENANCY_CACHE_TTL_MS,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    identify: e.TENANCY_IDENTIFY,
    baseDomain: e.TENANCY_BASE_DOMAIN?.toLowerCase(),
    adminToken: e.ADMIN_TOKEN,
    embeddedDefault: e.DATABASE_URL === undefined,
  };
}

/** Parses `mysql://user:pass@host:port/db` or `sqlite:path`. */
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
  throw new ConfigError(`${variable}: unsupported URL ${redactUrl(url)}; use mysql://… or sqlite:path`);
}

function parseServers(spec: string): ServerConfig[] {
  const servers: ServerConfig[] = [];
  for (const part of spec.split(',')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    const name = eq > 0 ? trimmed.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) {
      throw new ConfigError(`TENANCY_SERVERS: expected name=url pairs separated by commas, got "${redactUrl(trimmed)}"`);
    }
    if (servers.some((s) => s.name === name)) throw new ConfigError(`TENANCY_SERVERS: server "${name}" is named twice`);
    servers.push({ name, location: parseDatabaseUrl(trimmed.slice(eq + 1).trim(), `TENANCY_SERVERS (${name})`) });
  }
  if (servers.length === 0) throw new ConfigError('TENANCY_SERVERS is set but names no server');
  return servers;
}

/** The default tenant server: the registry's own MySQL server, or a `tenants/` folder beside the registry file. */
function defaultServerFor(registry: DatabaseLocation): ServerConfig {
  if (registry.kind === 'sqlite') {
    const slash = registry.path.lastIndexOf('/');
    const dir = slash >= 0 ? registry.path.slice(0, slash) : '.';
    return { name: DEFAULT_SERVER_NAME, location: { kind: 'sqlite', path: `${dir || '/'}/tenants` } };
  }
  const url = new URL(registry.url);
  url.pathname = '/';
  return { name: DEFAULT_SERVER_NAME, location: { kind: 'mysql', url: url.toString(), database: undefined } };
}

/** A URL fit for a log line or an error message: the password replaced by `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)([^@/]*)@/i, '$1***@');
}

/** A location fit for a log line. */
export function describeLocation(location: DatabaseLocation): string {
  return location.kind === 'sqlite' ? `sqlite:${location.path}` : redactUrl(location.url);
}
