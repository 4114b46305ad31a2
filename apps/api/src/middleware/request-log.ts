import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { AppLogger, RequestLine } from '../logger.js';
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
/** The name looked up, already lower case: the lookup lower-cases it otherwise, a new string each request. */
const REQUEST_ID_LOOKUP = REQUEST_ID_HEADER.toLowerCase();
/** An incoming request id is kept when it looks like one (as hono/request-id decides), else replaced. */
const REQUEST_ID = /^[\w\-=]{1,255}$/;

/** Marks a response built by {@link respond}, which carries the request id already. */
const STAMPED = Symbol('tenantry.requestIdSet');
type Stamped = Response & { [STAMPED]?: true };

/**
 * A response whose headers are a plain record that already holds the request id. On Node this is
 * the cheapest path through @hono/node-server: no Headers object is built, validated or sorted
 * (setting a header through Hono's context builds one for every request).
 */
export function respond(c: Context<AppEnv>, body: string | ReadableStream<Uint8Array> | null, status: number, contentType: string): Response {
  const res: Stamped = new Response(body, { status, headers: { 'Content-Type': contentType, [REQUEST_ID_HEADER]: c.get('requestId') } });
  // A property, not a WeakSet: adding to a weak collection costs a slow write barrier per request.
  res[STAMPED] = true;
  return res;
}

export interface RequestLogConfig {
  readonly logger: AppLogger;
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
    const incoming = c.req.header(REQUEST_ID_LOOKUP);
    const requestId = incoming !== undefined && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    await next();
    // Every answer, errors and 404s too, carries the id; `respond` has set it already.
    if (!(c.res as Stamped)[STAMPED]) c.res.headers.set(REQUEST_ID_HEADER, requestId);
    const durationMs = Math.round((now() - start) * 100) / 100;
    const route = routeLabel(c);
    const status = c.res.status;
    const handle = c.get('tenant');
    const requested = c.get('tenantName');
    const line: RequestLine = {
      requestId,
      method: c.req.method,
      route,
      path: truncate(c.req.path, 200),
      tenant: handle?.tenant.name ?? (requested === undefined ? undefined : truncate(requested, 64)),
      status,
      durationMs,
    };
    if (config.logger.request) config.logger.request(line);
    else config.logger.info('request', { ...line });
    config.metrics?.observeRequest({ method: c.req.method, route, status, durationMs });
  };
}
