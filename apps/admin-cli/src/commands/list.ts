import type { TenantStatus } from '@tenantry/tenancy';
import { type TenantJson, plural, table, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface ListData {
  readonly tenants: readonly TenantJson[];
}

/** Every tenant in the registry, by name, read page by page. */
const list: CommandModule<ListData> = {
  async run(ctx, { options }) {
    const status = options.status as TenantStatus | undefined;
    const tenants: TenantJson[] = [];
    const { registry } = await ctx.tenancy();
    for await (const record of registry.all(status ? { status } : {})) tenants.push(tenantJson(record));
    return { ok: true, data: { tenants } };
  },
  render({ tenants }) {
    if (tenants.length === 0) return 'no tenants (create one: tenantry create <name>)';
    const rows = tenants.map((t) => [t.name, t.status, t.server, t.database, String(t.schemaVersion), t.createdAt]);
    return `${table(['NAME', 'STATUS', 'SERVER', 'DATABASE', 'SCHEMA', 'CREATED'], rows)}\n\n${plural(tenants.length, 'tenant')}`;
  },
};

export default list;
