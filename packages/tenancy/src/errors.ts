/** Every error code the core raises. The API maps each one to an HTTP status. */
export const ERROR_CODES = [
  'invalid_tenant_name',
  'tenant_not_found',
  'tenant_suspended',
  'tenant_unavailable',
  'tenant_exists',
  'database_exists',
  'database_missing',
  'database_in_use',
  'invalid_state',
  'unknown_server',
  'registry_unavailable',
  'tenant_database_unavailable',
  'migration_failed',
  'invalid_config',
  'destroyed',
] as const;

export type TenancyErrorCode = (typeof ERROR_CODES)[number];

/** Base of every error the core throws: a stable `code`, a message without secrets, a `cause`. */
export class TenancyError extends Error {
  readonly code: TenancyErrorCode;

  constructor(code: TenancyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class InvalidTenantNameError extends TenancyError {
  constructor(message: string) {
    super('invalid_tenant_name', message);
  }
}

export class TenantNotFoundError extends TenancyError {
  constructor(readonly tenant: string) {
    super('tenant_not_found', `tenant "${tenant}" does not exist`);
  }
}

export class TenantSuspendedError extends TenancyError {
  constructor(readonly tenant: string) {
    super('tenant_suspended', `tenant "${tenant}" is suspended`);
  }
}

/** The tenant exists but is being provisioned or deleted. */
export class TenantUnavailableError extends TenancyError {
  constructor(
    readonly tenant: string,
    readonly status: string,
  ) {
    super('tenant_unavailable', `tenant "${tenant}" is ${status}`);
  }
}

export class TenantExistsError extends TenancyError {
  constructor(readonly tenant: string) {
    super('tenant_exists', `tenant "${tenant}" already exists`);
  }
}

export class DatabaseExistsError extends TenancyError {
  constructor(readonly database: string) {
    super(
      'database_exists',
      `database "${database}" already exists; adopt it explicitly or choose another database name`,
    );
  }
}

/** Who holds a database that a tenant may not take: another tenant, the registry, or the server itself. */
export type DatabaseOwner = 'tenant' | 'registry' | 'server';

/**
 * The database is the registry's, a schema of the server itself, or another tenant's: no tenant
 * may be created on it, adopt it, or drop it.
 */
export class DatabaseInUseError extends TenancyError {
  constructor(
    readonly database: string,
    readonly owner: DatabaseOwner,
    /** With owner `tenant`: the tenant that holds the database. */
    readonly tenant?: string,
    /** What was refused, after the owner: "it was not dropped". */
    consequence?: string,
  ) {
    super('database_in_use', `${describeOwner(database, owner, tenant)}${consequence ? `; ${consequence}` : ''}`);
  }
}

function describeOwner(database: string, owner: DatabaseOwner, tenant: string | undefined): string {
  if (owner === 'registry') return `database ${database} is the registry's database`;
  if (owner === 'server') return `database ${database} is a schema of the database server itself`;
  return `database ${database} belongs to tenant ${tenant}`;
}

export class DatabaseMissingError extends TenancyError {
  constructor(readonly database: string) {
    super('database_missing', `database "${database}" does not exist`);
  }
}

export class InvalidStateError extends TenancyError {
  constructor(message: string) {
    super('invalid_state', message);
  }
}

export class UnknownServerError extends TenancyError {
  constructor(readonly server: string) {
    super('unknown_server', `no tenant database server is named "${server}"`);
  }
}

export class RegistryUnavailableError extends TenancyError {
  constructor(options?: { cause?: unknown }) {
    super('registry_unavailable', `the tenant registry cannot be reached${causeSuffix(options?.cause)}`, options);
  }
}

export class TenantDatabaseUnavailableError extends TenancyError {
  constructor(
    readonly server: string,
    options?: { cause?: unknown },
  ) {
    super(
      'tenant_database_unavailable',
      `tenant database server "${server}" cannot be reached${causeSuffix(options?.cause)}`,
      options,
    );
  }
}

export class MigrationFailedError extends TenancyError {
  constructor(
    readonly tenant: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('migration_failed', `migrating tenant "${tenant}" failed: ${message}`, options);
  }
}

export class ConfigError extends TenancyError {
  constructor(message: string) {
    super('invalid_config', message);
  }
}

export class DestroyedError extends TenancyError {
  constructor(what: string) {
    super('destroyed', `${what} has been destroyed and cannot be used`);
  }
}

/** The error codes of a driver error that mean "the server is not there", not "the query is wrong". */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_HOST_IS_BLOCKED',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'SQLITE_CANTOPEN',
  'SQLITE_BUSY',
]);

/** True when `error` says the database could not be reached, rather than that a statement failed. */
export function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECTION_ERROR_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /Pool is closed|connection is in closed state|Can't add new command when connection is in closed state/i.test(message)) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function causeSuffix(cause: unknown): string {
  if (!cause) return '';
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? ` (${code})` : '';
}
