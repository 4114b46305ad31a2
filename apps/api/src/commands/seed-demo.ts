import type { ProductCommand } from '@tenantry/tenancy';
import { type SeedDemoResult, seedDemo } from '../demo.js';
import type { TenantDatabase } from '../schema.js';

export interface SeedDemoData {
  readonly results: readonly SeedDemoResult[];
}

/** `tenantry seed-demo`: the original service's demo data. Idempotent: a tenant that exists is left as it is. */
export const seedDemoCommand: ProductCommand<TenantDatabase, SeedDemoData> = {
  path: ['seed-demo'],
  summary: 'create the demo tenants: TenantA (userA, userB), TenantB (userA, userC)',
  async run(ctx) {
    const results = await seedDemo(await ctx.tenancy());
    return { ok: true, data: { results: results.map((r) => ({ tenant: r.tenant, status: r.status, users: [...r.users] })) } };
  },
  render({ results }, { table }) {
    const rows = results.map((r) => [
      r.tenant,
      r.status === 'created' ? 'created' : 'already there (left as it is)',
      r.users.join(', '),
    ]);
    return table(['TENANT', 'RESULT', 'USERS ADDED'], rows);
  },
};
