import { ConfigError } from '@tenantry/tenancy';
import { z } from 'zod';

export const DEFAULT_PORT = 3000;
export const IDENTIFY_MODES = ['path', 'host', 'header'] as const;
/** How a request names its tenant: `/:tenant/…`, `<tenant>.<base domain>`, or the `X-Tenant` header. */
export type IdentifyMode = (typeof IDENTIFY_MODES)[number];

/** The API's HTTP settings; the core reads the database, cache and invalidation ones. */
export interface HttpSettings {
  readonly port: number;
  readonly identify: IdentifyMode;
  /** With `host`: tenants are `<tenant>.<baseDomain>`, lower-cased. */
  readonly baseDomain: string | undefined;
  /** Bearer token for `/admin/*`; the admin routes are off without one. */
  readonly adminToken: string | undefined;
}

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const HttpEnv = z.object({
  PORT: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT)),
  TENANCY_IDENTIFY: z.preprocess(blankToUndefined, z.enum(IDENTIFY_MODES).default('path')),
  TENANCY_BASE_DOMAIN: optionalString,
  ADMIN_TOKEN: optionalString,
});

/**
 * `PORT`, `TENANCY_IDENTIFY`, `TENANCY_BASE_DOMAIN` and `ADMIN_TOKEN` from an environment (a Worker's
 * bindings are ignored). Throws ConfigError naming every bad variable, in one line.
 */
export function loadHttpSettings(env: Readonly<Record<string, unknown>>): HttpSettings {
  const parsed = HttpEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  if (e.TENANCY_IDENTIFY === 'host' && !e.TENANCY_BASE_DOMAIN) {
    throw new ConfigError('TENANCY_IDENTIFY=host needs TENANCY_BASE_DOMAIN (tenants are <tenant>.<TENANCY_BASE_DOMAIN>)');
  }
  return {
    port: e.PORT,
    identify: e.TENANCY_IDENTIFY,
    baseDomain: e.TENANCY_BASE_DOMAIN?.toLowerCase(),
    adminToken: e.ADMIN_TOKEN,
  };
}
