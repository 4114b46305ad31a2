import { ERROR_CODES, TenancyError, type TenancyErrorCode } from '@tenantry/tenancy';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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

/** Codes this package answers with itself, beside the core's. */
export const HTTP_ERROR_CODES = ['invalid_input', 'not_found', 'unauthorized', 'payload_too_large', 'internal_error'] as const;
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number];

/** Seconds a client is told to wait after a 503 (`Retry-After`). */
export const RETRY_AFTER_SECONDS = 5;

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; requestId: string | null };
}

/** An error an app raises for the client: the status, a stable code and a message fit to show. */
export class HttpError<Code extends string = string> extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A core error, also when a bundle holds a second copy of the core (edge builds). */
export function isTenancyError(error: unknown): error is TenancyError {
  if (error instanceof TenancyError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
