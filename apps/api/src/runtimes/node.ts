// The Node entry: the service on @hono/node-server with Prometheus metrics; the embedded SQLite
// default is seeded with the demo tenants on its first start.
import { nodeRuntime } from '@tenantry/tenancy/node';
import { createJsonLogger } from '../logger.js';
import { createPrometheusMetrics } from '../metrics/prometheus.js';
import { type Service, createService, prepareRegistry, startupError } from '../service.js';
import { batchedStdout, serveNode } from './node-process.js';

const stdout = batchedStdout();
const logger = createJsonLogger(stdout.write);
function fail(error: unknown): never {
  return stdout.fail(startupError(error));
}

let service: Service;
try {
  service = createService({
    env: process.env,
    runtime: nodeRuntime(),
    logger,
    metrics: (tenancy) =>
      createPrometheusMetrics({
        cacheStats: () => tenancy.cache.stats,
        cacheSize: () => tenancy.cache.size,
        poolStats: () => tenancy.connections.stats(),
      }),
  });
} catch (error) {
  fail(error);
}

const seeded = await prepareRegistry(service).catch(fail);
serveNode(service, { logger, stdout, seeded });
