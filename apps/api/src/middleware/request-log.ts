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

export interface RequestLogConfig {
  readonly logger: TenancyLogger;
  readonly metrics?: AppMetrics;
  /** A clock in milliseconds; `performance.now` by default. */
  readonly now?: () => number;
}

/**
 * One structured line per request (request id, method, route, path, tenant, status, duration) and
 * the request metrics. Headers are never logged, so no token or password reaches a log line.
 */
export function requestLog(config: RequestLogConfig): MiddlewareHandler<AppEnv> {
  const now = config.now ?? (() => performance.now());
  return async function requestLog(c, next) {
    const start = now();
    await next();
    const durationMs = Math.round((now() - start) * 100) / 100;
    const route = routeLabel(c);
    const status = c.res.status;
    const handle = c.get('tenant');
    const requested = c.get('tenantName');
    config.logger.info('request', {
      requestId: c.get('requestId'),
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
