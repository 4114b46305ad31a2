import type { Tenancy } from '@tenantry/tenancy';
import { Hono } from 'hono';
import type { NotesEnv } from '../types.js';

/** `/healthz`: the process answers. `/readyz`: the registry answers too (503 with the usual body if not). */
export function healthRoutes(tenancy: Pick<Tenancy, 'registry'>) {
  return new Hono<NotesEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' as const }, 200))
    .get('/readyz', async (c) => {
      await tenancy.registry.ping();
      return c.json({ status: 'ready' as const }, 200);
    });
}
