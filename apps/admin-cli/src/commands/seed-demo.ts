import { seedDemo } from '@tenantry/tenancy';
import { table } from '../format.js';
import type { CommandModule } from './types.js';

export interface SeedDemoData {
  readonly results: readonly { readonly tenant: string; readonly status: 'created' | 'exists'; readonly users: readonly string[] }[];
}

/** The original service's demo data. Idempotent: a tenant that exists is left as it is. */
const seed: CommandModule<SeedDemoData> = {
  async run(ctx) {
    const results = await seedDemo(await ctx.tenancy());
    return { ok: true, data: { results: results.map((r) => ({ tenant: r.tenant, status: r.status, users: [...r.users] })) } };
  },
  render({ results }) {
    const rows = results.map((r) => [
      r.tenant,
      r.status === 'created' ? 'created' : 'already there (left as it is)',
      r.users.join(', '),
    ]);
    return table(['TENANT', 'RESULT', 'USERS ADDED'], rows);
  },
};

export default seed;
