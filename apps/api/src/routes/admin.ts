import type { Tenancy } from '@tenantry/tenancy';
import { TENANT_STATUSES, TenantNotFoundError, tenantSummary } from '@tenantry/tenancy';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { adminAuth } from '../middleware/admin-auth.js';
import type { AppEnv } from '../types.js';
import { MAX_BODY_BYTES } from './users.js';
import { validate } from './validation.js';

const TenantName = z.object({ name: z.string().min(1).max(200) });
const ListQuery = z.object({
  status: z.enum(TENANT_STATUSES).optional(),
  after: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const NewTenant = z.object({
  name: z.string().min(1).max(200),
  server: z.string().min(1).max(63).optional(),
  /** As the CLI's --database: the characters a database name may have; the core checks the rest. */
  database: z
    .string()
    .regex(/^[A-Za-z0-9_$-]{1,64}$/, 'use 1 to 64 letters, digits, "_", "-" or "$"')
    .optional(),
  /** As the CLI's --adopt: register the existing `database` instead of creating one. */
  adopt: z.boolean().optional(),
});


/** `/admin/tenants`: list, show, create, suspend, resume, delete. Bearer token required. */
export function adminRoutes(tenancy: Tenancy, token: string) {
  return new Hono<AppEnv>()
    .use('*', adminAuth(token))
    .get('/tenants', validate('query', ListQuery), async (c) => {
      const { status, after, limit } = c.req.valid('query');
      const tenants = await tenancy.registry.list({
        limit,
        ...(status ? { status } : {}),
        ...(after ? { after: after.toLowerCase() } : {}),
      });
      const last = tenants.length === limit ? tenants[tenants.length - 1] : undefined;
      return c.json({ tenants: tenants.map(tenantSummary), next: last ? last.name.toLowerCase() : null });
    })
    .get('/tenants/:name', validate('param', TenantName), async (c) => {
      const { name } = c.req.valid('param');
      const record = await tenancy.registry.get(name);
      if (!record) throw new TenantNotFoundError(name);
      return c.json(tenantSummary(record));
    })
    .post(
      '/tenants',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ApiError('payload_too_large', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
        },
      }),
      validate('json', NewTenant),
      async (c) => {
        const { name, server, database, adopt } = c.req.valid('json');
        const record = await tenancy.provisioner.create(name, {
          ...(server ? { server } : {}),
          ...(database ? { database } : {}),
          ...(adopt ? { adopt } : {}),
        });
        return c.json(tenantSummary(record), 201);
      },
    )
    .post('/tenants/:name/suspend', validate('param', TenantName), async (c) =>
      c.json(tenantSummary(await tenancy.provisioner.suspend(c.req.valid('param').name))),
    )
    .post('/tenants/:name/resume', validate('param', TenantName), async (c) =>
      c.json(tenantSummary(await tenancy.provisioner.resume(c.req.valid('param').name))),
    )
    .delete('/tenants/:name', validate('param', TenantName), async (c) =>
      c.json(tenantSummary(await tenancy.provisioner.delete(c.req.valid('param').name))),
    );
}
