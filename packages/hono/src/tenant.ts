import { InvalidTenantNameError } from '@tenantry/tenancy';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';
import type { IdentifyMode, TenancyEnv, TenantHandle, TenantLookup } from './types.js';

/** The header that names the tenant with `identify: 'header'`. */
export const TENANT_HEADER = 'X-Tenant';
/** The name looked up, already lower case (see REQUEST_ID_LOOKUP). */
const TENANT_LOOKUP = TENANT_HEADER.toLowerCase();

/** How a request names its tenant. */
export interface IdentifyOptions {
  /** `path` (the `:tenant` parameter, the default), `host` (`<tenant>.<baseDomain>`) or `header` (`X-Tenant`). */
  readonly identify?: IdentifyMode;
  /** With `host`: tenants are `<tenant>.<baseDomain>`. */
  readonly baseDomain?: string | undefined;
}

/** Options of {@link resolveTenant}. */
export interface ResolveTenantOptions<DB> extends IdentifyOptions {
  /** The tenancy (today's `Tenancy`, or anything with its `tenant(name)` door). */
  readonly tenancy: TenantLookup<DB>;
}

/** The tenant name a request gives, by path parameter, host or header. Throws for a request that names none. */
export function tenantNameOf(c: Context, options: IdentifyOptions = {}): string {
  switch (options.identify ?? 'path') {
    case 'path':
      return c.req.param('tenant') ?? '';
    case 'header': {
      const name = c.req.header(TENANT_LOOKUP);
      if (name === undefined) throw new HttpError(400, 'invalid_input', `the ${TENANT_HEADER} header names the tenant and is missing`);
      return name;
    }
    case 'host': {
      const suffix = `.${options.baseDomain ?? ''}`;
      // The URL's host name (from the Host header on Node): lower-cased, without the port.
      const host = new URL(c.req.url).hostname;
      if (!options.baseDomain || !host.endsWith(suffix.toLowerCase())) {
        throw new InvalidTenantNameError(`the host does not name a tenant: expected <tenant>${suffix}`);
      }
      return host.slice(0, -suffix.length);
    }
  }
}

/**
 * Resolves the request's tenant through the tenancy (its cached registry) and sets
 * `c.var.tenant` (the record), `c.var.db` (its Kysely) and `c.var.tenantName`. Unknown,
 * impossible, suspended or unreachable tenants throw the core's typed errors, which
 * {@link errorHandler} maps; nothing here queries with the raw name.
 */
export function resolveTenant<DB>(options: ResolveTenantOptions<DB>): MiddlewareHandler<TenancyEnv<DB>> {
  const { tenancy } = options;
  const identify: IdentifyOptions = { identify: options.identify ?? 'path', baseDomain: options.baseDomain };
  // Not an async function: with a cached tenant (nearly every request) the door answers without a
  // promise and next()'s promise is handed back as it is, a promise and an await fewer a request.
  // Hono's compose awaits what a middleware returns and catches what it throws.
  return function resolveTenant(c, next) {
    const name = tenantNameOf(c, identify);
    c.set('tenantName', name);
    const found = tenancy.tenant(name);
    if (typeof (found as Partial<PromiseLike<unknown>>).then !== 'function') {
      set(c, found as TenantHandle<DB>);
      return next();
    }
    return (found as Promise<TenantHandle<DB>>).then((handle) => {
      set(c, handle);
      return next();
    });
  };
}

/** The handle's parts on the context (not a spread: copying the handle cost CPU on every request). */
function set<DB>(c: Context<TenancyEnv<DB>>, handle: TenantHandle<DB>): void {
  c.set('tenant', handle.tenant);
  c.set('db', handle.db);
}
