import { InvalidTenantNameError } from './errors.js';

/** Letters, digits, `-` and `_`, starting with a letter or digit, 1 to 63 characters. */
const TENANT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/** Names that routes or the database server already use. Compared case-insensitively. */
export const RESERVED_TENANT_NAMES: ReadonlySet<string> = new Set([
  'healthz',
  'readyz',
  'metrics',
  'admin',
  'api',
  'mysql',
  'information_schema',
  'performance_schema',
  'sys',
]);

/** A database, server or prefix name we are willing to put in SQL: the characters MySQL allows unquoted. */
const IDENTIFIER = /^[A-Za-z0-9_$-]{1,64}$/;
const PREFIX = /^[A-Za-z0-9_]{0,32}$/;

export const DEFAULT_DB_PREFIX = 'tenant_';

/** The lookup key of a tenant name: names are unique case-insensitively. */
export function tenantKey(name: string): string {
  return name.toLowerCase();
}

/** The schemas a MySQL/MariaDB server keeps for itself: never a tenant's. */
export const SERVER_SCHEMAS: ReadonlySet<string> = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);

/**
 * The comparison key of a database name. MariaDB on Linux and SQLite files on Linux tell case
 * apart, other systems do not: two names that differ only in case count as one database, which
 * refuses too much rather than too little.
 */
export function databaseKey(database: string): string {
  return database.toLowerCase();
}

/** Whether `database` is one of the server's own schemas. */
export function isServerSchema(database: string): boolean {
  return SERVER_SCHEMAS.has(databaseKey(database));
}

/** Whether `name` can be a tenant name at all. Cheap: no I/O, safe on hostile input. */
export function isValidTenantName(name: unknown): name is string {
  return typeof name === 'string' && TENANT_NAME.test(name) && !RESERVED_TENANT_NAMES.has(name.toLowerCase());
}

/** Throws {@link InvalidTenantNameError} unless `name` can be a tenant name. */
export function assertTenantName(name: unknown): asserts name is string {
  validTenantKey(name);
}

/**
 * The lookup key of `name` ({@link tenantKey}), after the checks of {@link assertTenantName}:
 * one lower-casing for both, on every request's tenant lookup.
 */
export function validTenantKey(name: unknown): string {
  if (typeof name !== 'string' || !TENANT_NAME.test(name)) {
    throw new InvalidTenantNameError(
      `invalid tenant name ${describe(name)}: use 1 to 63 letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  const key = tenantKey(name);
  if (RESERVED_TENANT_NAMES.has(key)) throw new InvalidTenantNameError(`tenant name "${name}" is reserved`);
  return key;
}

/** Throws unless `name` is safe to use as a database name (validated here, always quoted in SQL too). */
export function assertDatabaseName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new InvalidTenantNameError(
      `invalid database name ${describe(name)}: use 1 to 64 letters, digits, "_", "-" or "$"`,
    );
  }
  if (RESERVED_TENANT_NAMES.has(name.toLowerCase())) {
    throw new InvalidTenantNameError(`database name "${name}" is reserved`);
  }
}

export function assertDbPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw new InvalidTenantNameError(`invalid database prefix ${describe(prefix)}: use up to 32 letters, digits or "_"`);
  }
}

/**
 * The database name of a tenant: prefix + lower-cased name with `-` as `_`. Deterministic; when it
 * would pass MySQL's 64-character limit it is cut and ends in a hash of the whole name, so two
 * long names never share a database.
 */
export function databaseNameFor(name: string, prefix: string = DEFAULT_DB_PREFIX): string {
  assertTenantName(name);
  assertDbPrefix(prefix);
  const full = prefix + name.toLowerCase().replaceAll('-', '_');
  if (full.length <= 64) return full;
  const hash = fnv1a32(name.toLowerCase());
  return `${full.slice(0, 64 - hash.length - 1)}_${hash}`;
}

/** Quotes an identifier for MySQL (backticks). Only ever given validated names. */
export function quoteMysqlIdentifier(name: string): string {
  assertDatabaseName(name);
  return '`' + name.replaceAll('`', '``') + '`';
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable, dependency-free fingerprint (not for security). */
export function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown) + (value.length > 40 ? ` (${value.length} characters)` : '');
}
