// The Cloudflare Workers entry: configuration from the Worker's vars and Hyperdrive bindings, the
// core built once per isolate (its tenant cache lives as long as the isolate), and every request
// served on its own connections, closed once the response is done.
import type { ExecutionContext, Hyperdrive } from '@cloudflare/workers-types/index.ts';
import { ConfigError, describeError } from '@tenantry/tenancy';
import { type EdgeConfig, createEdgeTenancy, loadEdgeConfig, serveInRequestScope } from '@tenantry/tenancy/edge';
import { createApp } from '../app.js';
import { createJsonLogger } from '../logger.js';

/** Vars (`DATABASE_URL`, `TENANCY_*`, secret `ADMIN_TOKEN`) and the Hyperdrive bindings they name. */
export type WorkerEnv = Record<string, string | Hyperdrive | undefined>;

const logger = createJsonLogger((line) => console.log(line));

/** Built on the first request of an isolate; the same for all later ones. */
let app: ReturnType<typeof createApp> | undefined;
let configError: string | undefined;

function appFor(env: WorkerEnv): ReturnType<typeof createApp> | undefined {
  if (app || configError) return app;
  let config: EdgeConfig;
  try {
    config = loadEdgeConfig(env);
  } catch (error) {
    configError = error instanceof ConfigError ? error.message : describeError(error);
    logger.error('invalid configuration', { error: configError });
    return undefined;
  }
  app = createApp({
    tenancy: createEdgeTenancy(config, { logger }),
    logger,
    identify: config.identify,
    ...(config.baseDomain ? { baseDomain: config.baseDomain } : {}),
    ...(config.adminToken ? { adminToken: config.adminToken } : {}),
  });
  return app;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const served = appFor(env);
    if (!served) {
      return Response.json(
        { error: { code: 'invalid_config', message: 'internal server error' } },
        { status: 500 },
      );
    }
    return serveInRequestScope(env, ctx, () => Promise.resolve(served.fetch(request, env, ctx)));
  },
};
