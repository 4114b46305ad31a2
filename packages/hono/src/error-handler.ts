import { type TenancyLogger, consoleLogger, describeError } from '@tenantry/tenancy';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { type ErrorBody, HttpError, type HttpErrorCode, RETRY_AFTER_SECONDS, STATUS_BY_TENANCY_CODE, isTenancyError } from './errors.js';

/** `{"error": {"code", "message", "requestId"}}`, with `Retry-After` on a 503. */
export function errorResponse(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  if (status === 503) c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  const body: ErrorBody = { error: { code, message, requestId: c.get('requestId') ?? null } };
  return c.json(body, status);
}

/** Options of {@link errorHandler}. */
export interface ErrorHandlerOptions {
  /** Where 5xx answers are logged (with the request id); the core's console logger by default. */
  readonly logger?: TenancyLogger;
}

/**
 * The app's one `onError`: core errors by their code ({@link STATUS_BY_TENANCY_CODE}),
 * {@link HttpError}s as they say, Hono's HTTPException below 500 (malformed JSON, body too
 * large) as `invalid_input` / `payload_too_large` / `unauthorized`, and anything else as a
 * generic 500, logged once with the request id. No 5xx message reveals a cause.
 */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorHandler {
  const logger = options.logger ?? consoleLogger;
  return function handleError(error, c) {
    const requestId: string | undefined = c.get('requestId');
    if (error instanceof HttpError) return errorResponse(c, error.status, error.code, error.message);
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
      const code: HttpErrorCode =
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

/** The app's `notFound`: 404 `not_found` in the same body. */
export function notFoundHandler(): NotFoundHandler {
  return function notFound(c) {
    const path = c.req.path;
    return errorResponse(c, 404, 'not_found', `no route for ${c.req.method} ${path.length > 100 ? `${path.slice(0, 100)}…` : path}`);
  };
}
