import { type TenantRecord, UsageError, assertDatabaseName, assertTenantName, forEachConcurrent, isServerSchema, tenantKey } from '@tenantry/tenancy';
import { errorCode, errorLine } from '../errors.js';
import { plural, table } from '../format.js';
import type { CommandModule } from './types.js';

export const DEFAULT_CREATE_CONCURRENCY = 4;

export interface CreateResultJson {
  readonly tenant: string;
  readonly status: 'created' | 'failed';
  /** With `created`. */
  readonly database?: string;
  readonly server?: string;
  readonly schemaVersion?: number;
  /** With `failed`. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface CreateData {
  readonly results: readonly CreateResultJson[];
  readonly summary: { readonly created: number; readonly failed: number };
}

/**
 * Creates each named tenant (register, create the database, migrate, activate), `--concurrency`
 * at a time. Every name and its database are checked before anything is created: one bad name,
 * or a database that is the registry's, a server schema or another tenant's, refuses the whole
 * command (exit 2). A tenant that fails does not stop the others (exit 1).
 */
const create: CommandModule<CreateData> = {
  async run(ctx, { args, options }) {
    const names = args[0] as string[];
    const database = options.database as string | undefined;
    const server = options.server as string | undefined;
    const adopt = options.adopt === true;
    for (const name of names) assertTenantName(name);
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(tenantKey(name))) throw new UsageError(`tenant "${name}" is named twice`);
      seen.add(tenantKey(name));
    }
    if (database !== undefined) {
      if (names.length > 1) throw new UsageError('--database names the database of one tenant; give one name with it');
      // A server's own schema is valid but in use: the core says so, below.
      if (!isServerSchema(database)) assertDatabaseName(database);
    }
    if (server !== undefined && !ctx.config.servers.some((s) => s.name === server)) {
      const known = ctx.config.servers.map((s) => s.name).join(', ');
      throw new UsageError(`no tenant database server is named "${server}" (configured: ${known}; see TENANCY_SERVERS)`);
    }

    const { provisioner } = await ctx.tenancy();
    const target = { ...(server === undefined ? {} : { server }), ...(database === undefined ? {} : { database }), adopt };
    // Before anything is created: a database that is the registry's, the server's own or another
    // tenant's refuses the whole command (exit 2), as a bad name does.
    let refused: { error: unknown } | undefined;
    await forEachConcurrent(names, DEFAULT_CREATE_CONCURRENCY, async (name) => {
      if (refused) return;
      await provisioner.assertCanCreate(name, target).catch((error: unknown) => void (refused ??= { error }));
    });
    if (refused) throw refused.error;
    const progress = ctx.progress('create', names.length);
    const byName = new Map<string, CreateResultJson>();
    try {
      await forEachConcurrent(names, (options.concurrency as number | undefined) ?? DEFAULT_CREATE_CONCURRENCY, async (name) => {
        let result: CreateResultJson;
        try {
          const record: TenantRecord = await provisioner.create(name, target);
          result = {
            tenant: record.name,
            status: 'created',
            database: record.database,
            server: record.server,
            schemaVersion: record.schemaVersion,
          };
        } catch (error) {
          result = { tenant: name, status: 'failed', error: { code: errorCode(error), message: errorLine(error) } };
        }
        byName.set(name, result);
        progress.tick(result.status === 'failed');
      });
    } finally {
      progress.stop();
    }
    const results = names.map((n) => byName.get(n)!);
    const failed = results.filter((r) => r.status === 'failed');
    const summary = { created: results.length - failed.length, failed: failed.length };
    if (failed.length === 0) return { ok: true, data: { results, summary } };
    const error =
      results.length === 1
        ? failed[0]!.error!.message
        : `${failed.length} of ${plural(results.length, 'tenant')} could not be created: ${failed.map((f) => f.tenant).join(', ')}`;
    return { ok: false, error, data: { results, summary } };
  },
  render({ results, summary }) {
    if (results.length === 1 && results[0]!.status === 'created') {
      const r = results[0]!;
      return `created tenant "${r.tenant}": database ${r.database} on server ${r.server}, schema version ${r.schemaVersion}`;
    }
    const rows = results.map((r) =>
      r.status === 'created'
        ? [r.tenant, 'created', r.database ?? '', r.server ?? '', `schema version ${r.schemaVersion}`]
        : [r.tenant, 'failed', '', '', r.error?.message ?? ''],
    );
    return `${table(['TENANT', 'RESULT', 'DATABASE', 'SERVER', 'DETAIL'], rows)}\n\n${summary.created} created, ${summary.failed} failed`;
  },
};

export default create;
