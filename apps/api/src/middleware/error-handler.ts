import { type TenancyLogger, describeError } from '@tenantry/tenancy';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ApiError, type ErrorCode, RETRY_AFTER_SECONDS, STATUS_BY_TENANCY_CODE, isTenancyError } from '../errors.js';
import type { AppEnv } from '../types.js';

/** `{"error": {"code", "message", "requestId"}}`, with `Retry-After` on a 503. */
export function errorResponse(c: Context<AppEnv>, status: number, code: ErrorCode, message: string): Response {
  if (status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json({ error: { code, message, requestId: c.get('requestId') ?? null } }, status as ContentfulStatusCode);
}

/**
 * The app's one `onError`: core errors by their code, the HTTP layer's own, Hono's (malformed
 * JSON, body too large), and anything else as a generic 500, logged once with the request id.
 */
export function errorHandler(logger: TenancyLogger): ErrorHandler<AppEnv> {
  return function handleError(error, c) {
    const requestId = c.get('requestId');
    if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message);
    if (isTenancyError(error)) {
      const status = STATUS_BY_TENANCY_CODE[error.code];
      if (status >= 500) {
        (status === 503 ? logger.warn : logger.error)('request failed', {
          requestId,
          code: error.code,
          error: describeError(error),
        });
      }
      return errorResponse(c, status, error.code, status === 500 ? 'internal server error' : error.message);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code: ErrorCode =
        error.status === 413 ? 'payload_too_large' : error.status === 401 ? 'unauthorized' : 'invalid_input';
      return errorResponse(c, error.status === 413 || error.status === 401 ? error.status : 400, code, error.message || code);
    }
    logger.error('unexpected error', {
      requestId,
      method: c.req.method,
      error: describeError(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return errorResponse(c, 500, 'internal_error', 'internal server error');
  };
}

export function notFoundHandler(): NotFoundHandler<AppEnv> {
  return function notFound(c) {
    return errorResponse(c, 404, 'not_found', `no route for ${c.req.method} ${truncate(c.req.path, 100)}`);
  };
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
