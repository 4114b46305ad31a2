import { type TenantRecord, UsageError, assertTenantName } from '@tenantry/tenancy';
import { errorCode, errorLine } from '../errors.js';
import { type TenantJson, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface DeleteData {
  /** The registry row as it was before the delete. */
  readonly tenant: TenantJson;
  readonly databaseDropped: boolean;
}

/**
 * Deletes a tenant: marks it `deleting`, drops its database (unless `--keep-database`), removes
 * the registry row. Without `--yes` it only says what it would drop, and exits 2. A database that
 * is not the tenant's alone (the registry's, a server schema, another tenant's) is never dropped:
 * exit 2, nothing changed.
 */
const del: CommandModule<DeleteData> = {
  async run(ctx, { args, options }) {
    const name = args[0] as string;
    assertTenantName(name);
    const keepDatabase = options.keepDatabase === true;
    const tenancy = await ctx.tenancy();
    let record: TenantRecord;
    try {
      record = await tenancy.provisioner.assertCanDelete(name, { keepDatabase });
    } catch (error) {
      if (errorCode(error) !== 'database_in_use') throw error;
      const hint = `to remove only the registry row: tenantry delete ${name} --yes --keep-database`;
      throw new UsageError(`${errorLine(error)}; ${hint}`, { code: 'database_in_use' });
    }
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
