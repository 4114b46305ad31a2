import { InvalidTenantNameError, type Tenancy } from '@tenantry/tenancy';
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { IdentifyMode } from '../settings.js';
import type { AppEnv } from '../types.js';

export const TENANT_HEADER = 'X-Tenant';

export interface TenantResolutionConfig {
  readonly tenancy: Pick<Tenancy, 'tenant' | 'cachedTenant'>;
  readonly identify: IdentifyMode;
  readonly baseDomain?: string | undefined;
}

/** The tenant name a request gives, by path parameter, host or header. Throws for a request that names none. */
export function tenantNameOf(c: Context<AppEnv>, config: Omit<TenantResolutionConfig, 'tenancy'>): string {
  switch (config.identify) {
    case 'path':
      return c.req.param('tenant') ?? '';
    case 'header': {
      const name = c.req.header(TENANT_HEADER);
      if (name === undefined) throw new ApiError('invalid_input', `the ${TENANT_HEADER} header names the tenant and is missing`);
      return name;
    }
    case 'host': {
      const suffix = `.${config.baseDomain ?? ''}`;
      // The URL's host name (from the Host header on Node): lower-cased, without the port.
      const host = new URL(c.req.url).hostname;
      if (!config.baseDomain || !host.endsWith(suffix.toLowerCase())) {
        throw new InvalidTenantNameError(`the host does not name a tenant: expected <tenant>${suffix}`);
      }
      return host.slice(0, -suffix.length);
    }
  }
}

/**
 * Resolves the request's tenant through the core (cached registry) and puts the handle on the
 * context. Unknown, impossible, suspended or unreachable tenants throw typed errors that the
 * error handler maps; nothing here queries with the raw name.
 */
export function resolveTenant(config: TenantResolutionConfig): MiddlewareHandler<AppEnv> {
  // Not an async function: with a fresh cache entry (nearly every request) the tenant is known at
  // once and next()'s promise is handed back as it is, a promise and an await fewer a request.
  // Hono's compose awaits what a middleware returns and catches what it throws.
  return function resolveTenant(c, next) {
    const name = tenantNameOf(c, config);
    c.set('tenantName', name);
    const cached = config.tenancy.cachedTenant(name);
    if (cached !== undefined) {
      c.set('tenant', cached);
      return next();
    }
    // Otherwise tenant() asks the cache's fetch (and the registry).
    return config.tenancy.tenant(name).then((handle) => {
      c.set('tenant', handle);
      return next();
    });
  };
}

/** The resolved tenant of a request; only under `resolveTenant`. */
export function tenantOf(c: Context<AppEnv>) {
  const handle = c.get('tenant');
  const name = c.get('tenantName');
  if (!handle || name === undefined) throw new Error('tenantOf() used on a route without resolveTenant()');
  // Not a spread of the handle: copying it by spread was over a percent of the CPU under load.
  return { db: handle.db, tenant: handle.tenant, name };
}
