import { Hono } from 'hono';
import type { AppMetrics } from '../metrics/types.js';
import type { AppEnv } from '../types.js';

/** `/metrics` in whatever text format the runtime's metrics speak (Prometheus on Node). */
export function metricsRoutes(metrics: AppMetrics) {
  return new Hono<AppEnv>().get('/metrics', async (c) => {
    const { contentType, body } = await metrics.render();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
}
