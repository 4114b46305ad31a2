import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppLogger, RequestLine } from '../logger.js';
import type { AppMetrics } from '../metrics/types.js';
import type { AppEnv } from '../types.js';

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
  readonly logger: AppLogger;
  readonly metrics?: AppMetrics;
  /** A clock in milliseconds; `performance.now` by default. */
  readonly now?: () => number;
}

/**
 * One structured line per request (request id, method, route, path, tenant, status, duration)
 * and the request metrics. The request id is @tenantry/hono's `requestId()`, which runs first.
 * Headers are never logged, so no token or password reaches a log line.
 */
export function requestLog(config: RequestLogConfig): MiddlewareHandler<AppEnv> {
  const now = config.now ?? (() => performance.now());
  return async function requestLog(c, next) {
    const start = now();
    await next();
    const durationMs = Math.round((now() - start) * 100) / 100;
    const route = routeLabel(c);
    const status = c.res.status;
    const tenant = c.get('tenant');
    const requested = c.get('tenantName');
    const line: RequestLine = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route,
      path: truncate(c.req.path, 200),
      tenant: tenant?.name ?? (requested === undefined ? undefined : truncate(requested, 64)),
      status,
      durationMs,
    };
    if (config.logger.request) config.logger.request(line);
    else config.logger.info('request', { ...line });
    config.metrics?.observeRequest({ method: c.req.method, route, status, durationMs });
  };
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
