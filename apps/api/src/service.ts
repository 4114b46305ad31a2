import {
  ConfigError,
  type Tenancy,
  type TenancyConfig,
  type TenancyRuntime,
  createTenancy,
  describeError,
  describeLocation,
  loadConfig,
} from '@tenantry/tenancy';
import { type AppType, createApp } from './app.js';
import type { AppLogger } from './logger.js';
import type { AppMetrics } from './metrics/types.js';
import product from './product.js';
import type { TenantDatabase } from './schema.js';
import { type HttpSettings, loadHttpSettings } from './settings.js';

export interface ServiceOptions {
  /** `process.env`, `Deno.env.toObject()` or a Worker's env: read here and nowhere else. */
  readonly env: Readonly<Record<string, unknown>>;
  /** What the runtime supplies to the core (`nodeRuntime()`, `mysqlRuntime()`, `edgeRuntime()`). */
  readonly runtime: TenancyRuntime;
  readonly logger: AppLogger;
  /** The runtime's metrics over the core (Prometheus on Node); `/metrics` answers 404 without. */
  readonly metrics?: (tenancy: Tenancy<TenantDatabase>) => AppMetrics;
}

/** The service of one process or isolate: the app and what it runs on. */
export interface Service {
  readonly app: AppType;
  readonly tenancy: Tenancy<TenantDatabase>;
  readonly settings: TenancyConfig;
  readonly http: HttpSettings;
}

/**
 * The one composition of the API, shared by every runtime entry: the product's tenancy on the
 * runtime, and the app over it. Throws ConfigError for a bad variable, before anything opens.
 */
export function createService(options: ServiceOptions): Service {
  const { env, runtime, logger } = options;
  const http = loadHttpSettings(env);
  const settings = loadConfig(env, product.connection);
  const tenancy = createTenancy(product, { settings, runtime, logger });
  const metrics = options.metrics?.(tenancy);
  const app = createApp({
    tenancy,
    logger,
    identify: http.identify,
    ...(http.baseDomain ? { baseDomain: http.baseDomain } : {}),
    ...(http.adminToken ? { adminToken: http.adminToken } : {}),
    ...(metrics ? { metrics } : {}),
  });
  return { app, tenancy, settings, http };
}

/**
 * Creates or upgrades the registry schema (idempotent, as `tenantry init`) and, on the embedded
 * default only, provisions the demo tenants into an empty registry. Resolves true when it did.
 * On failure the service is closed and the error says where the registry is.
 */
export async function prepareRegistry({ tenancy, settings }: Service): Promise<boolean> {
  try {
    await tenancy.registry.migrate();
    if (!settings.embeddedDefault || !product.seedDemo || (await tenancy.registry.count()) > 0) return false;
    await product.seedDemo(tenancy);
    return true;
  } catch (error) {
    await tenancy.destroy();
    throw new Error(`cannot prepare the registry at ${describeLocation(settings.registry)}: ${describeError(error)}`);
  }
}

/** The one line an entry prints when the service cannot start. */
export function startupError(error: unknown): string {
  return error instanceof ConfigError ? error.message : describeError(error);
}
