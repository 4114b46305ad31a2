import { type TenantRecord, TenantNotFoundError, assertTenantName, forEachConcurrent } from '@tenantry/tenancy';
import { errorLine } from '../errors.js';
import { plural, table } from '../format.js';
import type { CommandModule } from './types.js';

export const DEFAULT_MIGRATE_CONCURRENCY = 4;
/** Above this many tenants, the human table leaves out the ones that were already current. */
const MAX_CURRENT_ROWS = 200;

export interface MigrateResultJson {
  readonly tenant: string;
  /**
   * `applied`: migrations ran now; `current`: nothing to do; `failed`: see `error`;
   * `skipped`: the tenant is being provisioned or deleted, so it was not touched.
   */
  readonly status: 'applied' | 'current' | 'failed' | 'skipped';
  readonly applied: readonly string[];
  /** Migrations in place afterwards (as far as known). */
  readonly version: number;
  readonly error?: string;
}

export interface MigrateData {
  readonly latestVersion: number;
  readonly results: readonly MigrateResultJson[];
  readonly summary: {
    readonly total: number;
    readonly applied: number;
    readonly current: number;
    readonly failed: number;
    readonly skipped: number;
  };
}

/**
 * Migrates every tenant (or `--tenant`), `--concurrency` at a time. Each tenant gets a result;
 * one that fails does not stop the rest, and the command exits 1 if any failed.
 */
const migrate: CommandModule<MigrateData> = {
  async run(ctx, { options }) {
    const only = options.tenant as string | undefined;
    if (only !== undefined) assertTenantName(only);
    const tenancy = await ctx.tenancy();
    const { registry, migrator, connections } = tenancy;

    let tenants: Iterable<TenantRecord> | AsyncIterable<TenantRecord>;
    let total: number;
    if (only !== undefined) {
      const record = await registry.get(only);
      if (!record) throw new TenantNotFoundError(only);
      tenants = [record];
      total = 1;
    } else {
      tenants = registry.all();
      total = await registry.count();
    }

    const migrateOne = async (record: TenantRecord): Promise<MigrateResultJson> => {
      const unchanged = { tenant: record.name, applied: [], version: record.schemaVersion };
      if (record.status === 'provisioning' || record.status === 'deleting') {
        return { ...unchanged, status: 'skipped', error: `tenant is ${record.status}` };
      }
      try {
        // A missing database is a failure to report, never a fresh empty one to "migrate".
        if (!(await connections.server(record.server).databaseExists(record.database))) {
          return { ...unchanged, status: 'failed', error: `database ${record.database} does not exist on server ${record.server}` };
        }
      } catch (error) {
        return { ...unchanged, status: 'failed', error: errorLine(error) };
      }
      const result = await migrator.migrateTenant(record);
      return {
        tenant: result.tenant,
        status: result.status,
        applied: result.applied,
        version: result.version,
        ...(result.error === undefined ? {} : { error: result.error }),
      };
    };

    const results: MigrateResultJson[] = [];
    const progress = ctx.progress('migrate', total);
    try {
      const concurrency = (options.concurrency as number | undefined) ?? DEFAULT_MIGRATE_CONCURRENCY;
      await forEachConcurrent(tenants, concurrency, async (record) => {
        let result: MigrateResultJson;
        try {
          result = await migrateOne(record);
        } catch (error) {
          result = { tenant: record.name, status: 'failed', applied: [], version: record.schemaVersion, error: errorLine(error) };
        }
        results.push(result);
        progress.tick(result.status === 'failed');
      });
    } finally {
      progress.stop();
    }
    results.sort((a, b) => (a.tenant.toLowerCase() < b.tenant.toLowerCase() ? -1 : 1));

    const count = (status: MigrateResultJson['status']) => results.filter((r) => r.status === status).length;
    const summary = {
      total: results.length,
      applied: count('applied'),
      current: count('current'),
      failed: count('failed'),
      skipped: count('skipped'),
    };
    const data = { latestVersion: await migrator.latestVersion(), results, summary };
    const failed = results.filter((r) => r.status === 'failed');
    if (failed.length > 0) {
      const names = failed.slice(0, 10).map((r) => r.tenant).join(', ') + (failed.length > 10 ? ', …' : '');
      return { ok: false, data, error: `${plural(failed.length, 'tenant')} failed to migrate: ${names}` };
    }
    // Asked for one tenant by name and did not migrate it: that is not a success.
    if (only !== undefined && summary.skipped > 0) {
      return { ok: false, data, error: `tenant "${results[0]!.tenant}" was not migrated: ${results[0]!.error}` };
    }
    return { ok: true, data };
  },
  render({ results, summary, latestVersion }) {
    if (results.length === 0) return 'no tenants to migrate';
    const shown = results.length > MAX_CURRENT_ROWS ? results.filter((r) => r.status !== 'current') : results;
    const label = { applied: 'applied', current: 'already current', failed: 'FAILED', skipped: 'skipped' } as const;
    const rows = shown.map((r) => [
      r.tenant,
      label[r.status],
      `${r.version}/${latestVersion}`,
      r.status === 'applied' ? r.applied.join(', ') : (r.error ?? ''),
    ]);
    const lines = [table(['TENANT', 'RESULT', 'VERSION', 'DETAIL'], rows)];
    if (shown.length < results.length) {
      lines.push(`(${results.length - shown.length} tenants already current are not listed; --json lists every tenant)`);
    }
    lines.push(
      '',
      `${plural(summary.total, 'tenant')}: ${summary.applied} applied, ${summary.current} already current, ` +
        `${summary.failed} failed, ${summary.skipped} skipped`,
    );
    return lines.join('\n');
  },
};

export default migrate;
