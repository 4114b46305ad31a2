import type { TenancyLogger } from '@tenantry/tenancy';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppMetrics } from '../metrics/types.js';
import type { AppEnv } from '../types.js';
import { truncate } from './error-handler.js';

/** The route pattern that answered (`/:tenant/users`), or `unmatched`: a bounded label set for metrics. */
export function routeLabel(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i];
    if (route && route.method !== 'ALL') return route.path;
  }
  return 'unmatched';
}

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** An incoming request id is kept when it looks like one (as hono/request-id decides), else replaced. */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

export interface RequestLogConfig {
  readonly logger: TenancyLogger;
  readonly metrics?: AppMetrics;
  /** A clock in milliseconds; `performance.now` by default. */
  readonly now?: () => number;
}

/**
 * The request's id, one structured line per request (request id, method, route, path, tenant,
 * status, duration) and the request metrics. The id is the caller's X-Request-Id when it is well
 * formed, a new UUID otherwise; it is echoed in the X-Request-Id response header and in error
 * bodies. Headers are never logged, so no token or password reaches a log line.
 * (One middleware rather than hono/request-id plus this: a layer less on every request.)
 */
export function requestLog(config: RequestLogConfig): MiddlewareHandler<AppEnv> {
  const now = config.now ?? (() => performance.now());
  return async function requestLog(c, next) {
    const start = now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    const durationMs = Math.round((now() - start) * 100) / 100;
    const route = routeLabel(c);
    const status = c.res.status;
    const handle = c.get('tenant');
    const requested = c.get('tenantName');
    config.logger.info('request', {
      requestId,
      method: c.req.method,
      route,
      path: truncate(c.req.path, 200),
      tenant: handle?.tenant.name ?? (requested === undefined ? undefined : truncate(requested, 64)),
      status,
      durationMs,
    });
    config.metrics?.observeRequest({ method: c.req.method, route, status, durationMs });
  };
}
