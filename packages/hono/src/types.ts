import type { TenantHandle, TenantRecord } from '@tenantry/tenancy';
import type { Kysely } from 'kysely';

/** The core's handle: a tenant that may be served, with the Kysely that reaches its database alone. */
export type { TenantHandle };

/** How a request names its tenant: `/:tenant/…`, `<tenant>.<base domain>`, or the `X-Tenant` header. */
export type IdentifyMode = 'path' | 'host' | 'header';

/**
 * The one door of a tenancy the middleware needs: the handle of a servable tenant, without a
 * promise when it is cached. Throws (or rejects with) the core's typed errors otherwise.
 */
export interface TenantLookup<DB> {
  tenant(name: string): TenantHandle<DB> | Promise<TenantHandle<DB>>;
}

/** What {@link requestId} puts on the context. */
export interface RequestIdVariables {
  /** The request's id: echoed in `X-Request-Id` and in error bodies. */
  requestId: string;
}

/** Hono `Env` of an app using {@link requestId}. */
export interface RequestIdEnv {
  Variables: RequestIdVariables;
}

/** What {@link resolveTenant} (and {@link requestId}) put on the context. */
export interface TenancyVariables<DB> extends RequestIdVariables {
  /** The tenant's registry record. */
  tenant: TenantRecord;
  /** Kysely for the tenant's database alone. */
  db: Kysely<DB>;
  /** The tenant's name as the request gave it (path, host label or header), before any lookup. */
  tenantName: string;
}

/** Hono `Env` of the routes under {@link resolveTenant}. */
export interface TenancyEnv<DB> {
  Variables: TenancyVariables<DB>;
}
