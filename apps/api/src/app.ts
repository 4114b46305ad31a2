import { Hono } from 'hono';
import { PatternRouter } from 'hono/router/pattern-router';
import { errorHandler, notFoundHandler } from './middleware/error-handler.js';
import { requestLog } from './middleware/request-log.js';
import { resolveTenant } from './middleware/tenant.js';
import { adminRoutes } from './routes/admin.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { usersRoutes } from './routes/users.js';
import type { AppDeps, AppEnv } from './types.js';

export type { AppDeps, AppEnv } from './types.js';
export type { AppMetrics, RequestObservation } from './metrics/types.js';
export { STATUS_BY_TENANCY_CODE, STATUS_BY_API_CODE, RETRY_AFTER_SECONDS, ApiError } from './errors.js';
export { createJsonLogger } from './logger.js';
export type { AppLogger, RequestLine } from './logger.js';

/**
 * The whole HTTP service as a Hono app. Web standards only: it reads no environment and imports
 * nothing Node-only, so every runtime (Node, Workers) builds `deps` and serves this same app.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const identify = deps.identify ?? 'path';
  // Hono's default router falls back to its TrieRouter for these routes (its RegExpRouter cannot
  // take `/healthz` beside `/:tenant/users`); the PatternRouter matches them in half the time and
  // allocates less on every request.
  const app = new Hono<AppEnv>({ router: new PatternRouter() });
  app.use('*', requestLog({ logger: deps.logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) }));
  app.onError(errorHandler(deps.logger));
  app.notFound(notFoundHandler());

  app.route('/', healthRoutes(deps.tenancy));
  if (deps.metrics) app.route('/', metricsRoutes(deps.metrics));
  if (deps.adminToken) app.route('/admin', adminRoutes(deps.tenancy, deps.adminToken));

  const tenantRoutes = new Hono<AppEnv>();
  const tenant = resolveTenant({ tenancy: deps.tenancy, identify, baseDomain: deps.baseDomain });
  // Only on the tenant's routes (`/users/*` matches `/users` too): a path that matches none is a
  // plain 404 with no registry lookup.
  tenantRoutes.use('/users/*', tenant);
  tenantRoutes.route('/', usersRoutes(deps.logger));
  // The same routes whatever names the tenant: `/:tenant/users` by path, `/users` by host or header.
  app.route(identify === 'path' ? '/:tenant' : '/', tenantRoutes);
  return app;
}
