import { TenantNotFoundError, UsageError, assertTenantName } from '@tenantry/tenancy';
import { type TenantJson, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface DeleteData {
  /** The registry row as it was before the delete. */
  readonly tenant: TenantJson;
  readonly databaseDropped: boolean;
}

/**
 * Deletes a tenant: marks it `deleting`, drops its database (unless `--keep-database`), removes
 * the registry row. Without `--yes` it only says what it would drop, and exits 2.
 */
const del: CommandModule<DeleteData> = {
  async run(ctx, { args, options }) {
    const name = args[0] as string;
    assertTenantName(name);
    const keepDatabase = options.keepDatabase === true;
    const tenancy = await ctx.tenancy();
    const record = await tenancy.registry.get(name);
    if (!record) throw new TenantNotFoundError(name);
    if (options.yes !== true) {
      const what = keepDatabase
        ? `it would remove the registry row of tenant "${record.name}" and keep database ${record.database} on server ${record.server}`
        : `it would DROP database ${record.database} on server ${record.server}, with all its data, and remove the registry row of tenant "${record.name}"`;
      throw new UsageError(`refusing to delete without --yes: ${what}; nothing was changed`);
    }
    const deleted = await tenancy.provisioner.delete(record.name, { keepDatabase });
    return { ok: true, data: { tenant: tenantJson(deleted), databaseDropped: !keepDatabase } };
  },
  render({ tenant, databaseDropped }) {
    return databaseDropped
      ? `deleted tenant "${tenant.name}" and dropped database ${tenant.database} on server ${tenant.server}`
      : `deleted tenant "${tenant.name}"; database ${tenant.database} on server ${tenant.server} was kept`;
  },
};

export default del;
