import { ERROR_CODES, TenancyError, type TenancyErrorCode } from '@tenantry/tenancy';

/** Codes the HTTP layer raises itself, beside the core's. */
export const API_ERROR_CODES = [
  'invalid_input',
  'not_found',
  'user_not_found',
  'unauthorized',
  'payload_too_large',
  'internal_error',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
export type ErrorCode = ApiErrorCode | TenancyErrorCode;

/** The one place that turns a core error code into an HTTP status. */
export const STATUS_BY_TENANCY_CODE = {
  invalid_tenant_name: 404,
  tenant_not_found: 404,
  tenant_suspended: 403,
  tenant_unavailable: 503,
  tenant_exists: 409,
  database_exists: 409,
  database_missing: 409,
  database_in_use: 409,
  invalid_state: 409,
  unknown_server: 400,
  registry_unavailable: 503,
  tenant_database_unavailable: 503,
  migration_failed: 500,
  invalid_config: 500,
  destroyed: 503,
} as const satisfies Record<TenancyErrorCode, number>;

export const STATUS_BY_API_CODE = {
  invalid_input: 400,
  not_found: 404,
  user_not_found: 404,
  unauthorized: 401,
  payload_too_large: 413,
  internal_error: 500,
} as const satisfies Record<ApiErrorCode, number>;

/** Seconds a client is told to wait after a 503. */
export const RETRY_AFTER_SECONDS = 5;

/** An error the HTTP layer raises itself: a stable code and a message fit for the client. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS_BY_API_CODE[code];
  }
}

/** A core error, also when a bundle holds a second copy of the core (edge builds). */
export function isTenancyError(error: unknown): error is TenancyError {
  if (error instanceof TenancyError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
