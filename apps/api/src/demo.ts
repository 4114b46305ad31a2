import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from './schema.js';

/** The original service's data: TenantA (userA, userB) and TenantB (userA, userC). */
export const DEMO_TENANTS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  TenantA: ['userA', 'userB'],
  TenantB: ['userA', 'userC'],
});

export interface SeedDemoResult {
  readonly tenant: string;
  readonly status: 'created' | 'exists';
  readonly users: readonly string[];
}

/**
 * Creates the demo tenants and their users. Idempotent: a tenant that already exists is left
 * as it is, users and all.
 */
export async function seedDemo(tenancy: Tenancy<TenantDatabase>): Promise<SeedDemoResult[]> {
  const results: SeedDemoResult[] = [];
  for (const [name, users] of Object.entries(DEMO_TENANTS)) {
    const existing = await tenancy.registry.get(name);
    if (existing && existing.status !== 'provisioning') {
      results.push({ tenant: existing.name, status: 'exists', users: [] });
      continue;
    }
    const record = await tenancy.provisioner.create(name);
    const db = tenancy.connections.forTenant(record);
    await db.insertInto('users').values(users.map((username) => ({ username }))).execute();
    results.push({ tenant: record.name, status: 'created', users });
  }
  return results;
}
