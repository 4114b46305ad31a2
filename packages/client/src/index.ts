// Web standards only (fetch, URL, Headers): the same client runs on Node, Workers, Deno and in browsers.
import type { Hono, Schema } from 'hono';
import type { ExtractSchema } from 'hono/types';
import { type ClientRequestOptions, hc } from 'hono/client';

export type { ClientRequestOptions, ClientResponse, InferRequestType, InferResponseType } from 'hono/client';

/** The header that names the tenant with `identify: 'header'`. */
export const TENANT_HEADER = 'X-Tenant';

/** The typed client of an app type (`hc<App>`): one property per path segment, `$get` / `$post` / ... per method. */
export type Client<App extends Hono<any, any, any>> = ReturnType<typeof hc<App, string>>;

/** A typed client of the app `App` (its exported `AppType`) at `baseUrl`: `hono/client`'s `hc`. */
export function createClient<App extends Hono<any, any, any>>(baseUrl: string, options?: ClientRequestOptions): Client<App> {
  return hc<App, string>(baseUrl, options);
}

/** How the server identifies the tenant (its `TENANCY_IDENTIFY`). */
export type IdentifyMode = 'path' | 'host' | 'header';

/** Options of {@link tenantClient}: hc's, and how the server names the tenant (`path` by default). */
export type TenantClientOptions = ClientRequestOptions & { readonly identify?: IdentifyMode };

/** An input with the `tenant` path parameter taken out (the client supplies it). */
type WithoutTenantParam<Input> = Input extends { param: infer Param }
  ? keyof Omit<Param, 'tenant'> extends never
    ? Omit<Input, 'param'>
    : Omit<Input, 'param'> & { param: Omit<Param, 'tenant'> }
  : Input;
/** An endpoint of a route under `/:tenant`, without its tenant parameter. */
type TenantEndpoint<E> = E extends { input: infer Input } ? Omit<E, 'input'> & { input: WithoutTenantParam<Input> } : E;
/** The routes of a schema under `/:tenant/...`, as `/...`. */
export type TenantSchema<S> = {
  [Path in keyof S as Path extends `/:tenant/${infer Rest}` ? `/${Rest}` : never]: { [M in keyof S[Path]]: TenantEndpoint<S[Path][M]> };
};
/** The app `App` as one tenant sees it: its `/:tenant/...` routes, without the tenant parameter. */
export type TenantApp<App> =
  App extends Hono<infer E, any, infer B> ? (TenantSchema<ExtractSchema<App>> extends infer T extends Schema ? Hono<E, T, B> : never) : never;

/**
 * A typed client of one tenant's routes (`App`'s `/:tenant/...`, called as `/...`): the tenant
 * goes in the path (`<baseUrl>/<tenant>`, encoded), the host (`<tenant>.<baseUrl's host>`) or
 * the `X-Tenant` header, as `options.identify` says.
 */
export function tenantClient<App extends Hono<any, any, any>>(
  baseUrl: string,
  tenant: string,
  options: TenantClientOptions = {},
): Client<TenantApp<App>> {
  const { identify = 'path', ...rest } = options;
  switch (identify) {
    case 'path':
      return hc(`${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}`, rest);
    case 'host': {
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(tenant)) throw new TypeError(`"${tenant}" cannot be a host name label`);
      const url = new URL(baseUrl);
      url.hostname = `${tenant}.${url.hostname}`;
      return hc(url.href.replace(/\/+$/, ''), rest);
    }
    case 'header': {
      const given = rest.headers;
      const headers =
        given === undefined
          ? { [TENANT_HEADER]: tenant }
          : async () => ({ ...(typeof given === 'function' ? await given() : given), [TENANT_HEADER]: tenant });
      return hc(baseUrl, { ...rest, headers });
    }
    default:
      throw new TypeError(`identify must be path, host or header, not "${String(identify)}"`);
  }
}
