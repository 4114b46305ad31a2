import { TenantNotFoundError, assertTenantName } from '@tenantry/tenancy';
import { errorLine } from '../errors.js';
import { type TenantJson, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface ShowData {
  readonly tenant: TenantJson & {
    /** Whether the database is on its server; null when that could not be checked. */
    readonly databaseExists: boolean | null;
    /** Migrations not yet applied, read from the tenant database; null when it could not be read. */
    readonly pendingMigrations: readonly string[] | null;
    readonly latestVersion: number;
    /** Why a check above could not be made. */
    readonly problem?: string;
  };
}

/** One tenant's registry row, plus what its database says. */
const show: CommandModule<ShowData> = {
  async run(ctx, { args }) {
    const name = args[0] as string;
    assertTenantName(name);
    const tenancy = await ctx.tenancy();
    const record = await tenancy.registry.get(name);
    if (!record) throw new TenantNotFoundError(name);
    let databaseExists: boolean | null = null;
    let pendingMigrations: string[] | null = null;
    let problem: string | undefined;
    try {
      databaseExists = await tenancy.connections.server(record.server).databaseExists(record.database);
      if (databaseExists) pendingMigrations = await tenancy.migrator.pending(record);
    } catch (error) {
      problem = errorLine(error);
    }
    return {
      ok: true,
      data: {
        tenant: {
          ...tenantJson(record),
          databaseExists,
          pendingMigrations,
          latestVersion: await tenancy.migrator.latestVersion(),
          ...(problem ? { problem } : {}),
        },
      },
    };
  },
  render({ tenant: t }) {
    const pending =
      t.pendingMigrations === null ? 'unknown' : t.pendingMigrations.length === 0 ? 'none' : t.pendingMigrations.join(', ');
    const lines: [string, string][] = [
      ['name', t.name],
      ['status', t.status],
      ['server', t.server],
      ['database', `${t.database}${t.databaseExists === false ? ' (MISSING)' : ''}`],
      ['schema version', `${t.schemaVersion} of ${t.latestVersion}`],
      ['pending migrations', pending],
      ['created', t.createdAt],
      ['updated', t.updatedAt],
    ];
    if (t.problem) lines.push(['problem', t.problem]);
    const width = Math.max(...lines.map(([k]) => k.length));
    return lines.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`).join('\n');
  },
};

export default show;
