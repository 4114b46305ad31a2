// The Cloudflare Workers entry: configuration from the Worker's vars and Hyperdrive bindings, the
// service composed once per isolate (its tenant cache lives as long as the isolate), and every
// request served on its own connections, closed once the response is done.
import type { ExecutionContext, Hyperdrive } from '@cloudflare/workers-types/index.ts';
import { edgeRuntime, serveInRequestScope } from '@tenantry/tenancy/edge';
import type { AppType } from '../app.js';
import { createJsonLogger } from '../logger.js';
import { createService, startupError } from '../service.js';

/** Vars (`DATABASE_URL`, `TENANCY_*`, secret `ADMIN_TOKEN`) and the Hyperdrive bindings they name. */
export type WorkerEnv = Record<string, string | Hyperdrive | undefined>;

const logger = createJsonLogger((line) => console.log(line));

/** Composed on the first request of an isolate; the same for all later ones. */
let app: AppType | undefined;
let configError: string | undefined;

function appFor(env: WorkerEnv): AppType | undefined {
  if (app || configError) return app;
  try {
    app = createService({ env, runtime: edgeRuntime(), logger }).app;
  } catch (error) {
    configError = startupError(error);
    logger.error('invalid configuration', { error: configError });
  }
  return app;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const served = appFor(env);
    if (!served) return Response.json({ error: { code: 'invalid_config', message: 'internal server error' } }, { status: 500 });
    return serveInRequestScope(env, ctx, () => Promise.resolve(served.fetch(request, env, ctx)));
  },
};
