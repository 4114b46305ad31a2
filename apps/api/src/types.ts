import type { RequestIdVariables, TenancyEnv, TenancyVariables } from '@tenantry/hono';
import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from './schema.js';
import type { IdentifyMode } from './settings.js';
import type { AppLogger } from './logger.js';
import type { AppMetrics } from './metrics/types.js';

/** What `createApp` needs; every runtime builds these itself (the app reads no environment). */
export interface AppDeps {
  readonly tenancy: Tenancy<TenantDatabase>;
  /** Every request's line goes through its `request` writer when it has one. */
  readonly logger: AppLogger;
  /** How a request names its tenant; `path` (`/:tenant/users`) by default. */
  readonly identify?: IdentifyMode;
  /** With `host`: tenants are `<tenant>.<baseDomain>`. */
  readonly baseDomain?: string;
  /** Bearer token for `/admin/*`; the admin routes are not mounted without one. */
  readonly adminToken?: string;
  /** `/metrics` answers 404 without it. */
  readonly metrics?: AppMetrics;
}

/**
 * Typed context of every handler (Hono's `Env`): the request id always; the tenant's variables
 * once the tenant resolved, which only the routes under the tenant middleware can rely on.
 */
export interface AppEnv {
  Variables: RequestIdVariables & Partial<TenancyVariables<TenantDatabase>>;
}

/** Typed context of the routes under the tenant middleware. */
export type TenantEnv = TenancyEnv<TenantDatabase>;
