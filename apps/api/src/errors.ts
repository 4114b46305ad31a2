import { HttpError } from '@tenantry/hono';

// The core's codes map to statuses in @tenantry/hono's one table; re-exported for this package's users.
export { RETRY_AFTER_SECONDS, STATUS_BY_TENANCY_CODE } from '@tenantry/hono';

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

export const STATUS_BY_API_CODE = {
  invalid_input: 400,
  not_found: 404,
  user_not_found: 404,
  unauthorized: 401,
  payload_too_large: 413,
  internal_error: 500,
} as const satisfies Record<ApiErrorCode, number>;

/** An error the HTTP layer raises itself: a stable code and a message fit for the client. */
export class ApiError extends HttpError<ApiErrorCode> {
  constructor(code: ApiErrorCode, message: string) {
    super(STATUS_BY_API_CODE[code], code, message);
  }
}
