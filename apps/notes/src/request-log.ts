import type { TenancyLogger } from '@tenantry/tenancy';
import type { MiddlewareHandler } from 'hono';
import type { NotesEnv } from './types.js';

/** One `request` line a request, after the answer: method, path, status, duration, request id. */
export function requestLog(logger: TenancyLogger): MiddlewareHandler<NotesEnv> {
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  };
}
