import { type TenantRecord, databaseKey, forEachConcurrent, isServerSchema } from '@tenantry/tenancy';
import { errorLine } from '../errors.js';
import { plural, table } from '../format.js';
import type { CommandModule } from './types.js';

export const DEFAULT_DOCTOR_CONCURRENCY = 4;

export const FINDING_KINDS = [
  /**
   * A registry row whose database is not the tenant's alone: the registry's database, a schema of
   * the server itself, or a database another row names on the same physical server.
   */
  'database_in_use',
  /** A registry row (active or suspended) whose database is not on its server. */
  'missing_database',
  /** A database whose name has the tenant prefix but that no registry row names. */
  'orphan_database',
  /** A tenant database with migrations not yet applied. */
  'behind_migrations',
  /** A tenant left in `provisioning` or `deleting` (a create or delete that stopped half way). */
  'stuck',
  /** A registry row naming a server that TENANCY_SERVERS does not configure. */
  'unknown_server',
  /** A server that could not be listed, or a tenant database that could not be read. */
  'check_failed',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface Finding {
  readonly kind: FindingKind;
  readonly server: string;
  readonly database?: string;
  readonly tenant?: string;
  /** The tenant's registry status, where a tenant is involved. */
  readonly status?: TenantRecord['status'];
  /** With `behind_migrations`: the migrations not yet applied. */
  readonly pending?: readonly string[];
  readonly detail: string;
  /** What an operator can do about it. */
  readonly hint: string;
}

export interface DoctorData {
  readonly checked: { readonly tenants: number; readonly servers: number; readonly databases: number };
  readonly findings: readonly Finding[];
}

/**
 * Compares the registry with what is on the servers. Read-only: it reports, and never repairs.
 * Databases are listed first and the registry read after, so a tenant created meanwhile is never
 * taken for an orphan.
 */
const doctor: CommandModule<DoctorData> = {
  async run(ctx, { options }) {
    const tenancy = await ctx.tenancy();
    const { registry, connections, migrator, dbPrefix, layout } = tenancy;
    const findings: Finding[] = [];
    /** A server by what it reaches: two names of one server list and claim the same databases. */
    const physical = (server: string) => layout.serverId(server) ?? server;

    const listed = new Map<string, Set<string>>();
    for (const server of ctx.config.servers) {
      try {
        const names = await connections.server(server.name).listDatabases(dbPrefix);
        const own = layout.registryDatabaseOn(server.name);
        listed.set(server.name, new Set(names.filter((n) => own === undefined || databaseKey(n) !== databaseKey(own))));
      } catch (error) {
        findings.push({
          kind: 'check_failed',
          server: server.name,
          detail: `could not list the databases of server ${server.name}: ${errorLine(error)}`,
          hint: 'check that the server is up and TENANCY_SERVERS is right',
        });
      }
    }

    const claimed = new Map<string, Set<string>>();
    /** Rows by physical server and database key, to find two rows naming one database. */
    const byDatabase = new Map<string, TenantRecord[]>();
    let tenants = 0;
    const progress = ctx.progress('doctor', await registry.count());
    const check = async (record: TenantRecord) => {
      const at = { server: record.server, database: record.database, tenant: record.name, status: record.status };
      if (!ctx.config.servers.some((s) => s.name === record.server)) {
        findings.push({
          ...at,
          kind: 'unknown_server',
          detail: `tenant "${record.name}" lives on server ${record.server}, which is not configured`,
          hint: 'add the server to TENANCY_SERVERS',
        });
        return;
      }
      let onServer = claimed.get(physical(record.server));
      if (!onServer) claimed.set(physical(record.server), (onServer = new Set()));
      onServer.add(record.database);
      const place = `${physical(record.server)}\u0000${databaseKey(record.database)}`;
      byDatabase.set(place, [...(byDatabase.get(place) ?? []), record]);
      const inUse = (what: string) => ({
        ...at,
        kind: 'database_in_use' as const,
        detail: `tenant "${record.name}" names database ${record.database} on server ${record.server}, which is ${what}`,
        hint: `remove the row alone, the database stays: tenantry delete ${record.name} --yes --keep-database`,
      });
      if (isServerSchema(record.database)) {
        findings.push(inUse("a schema of the database server itself"));
        return;
      }
      if (layout.isRegistryDatabase(record.server, record.database)) {
        findings.push(inUse("the registry's database"));
        return;
      }
      if (record.status === 'provisioning' || record.status === 'deleting') {
        findings.push({
          ...at,
          kind: 'stuck',
          detail: `tenant "${record.name}" has been ${record.status} since ${record.updatedAt}`,
          hint:
            record.status === 'provisioning'
              ? `finish it: tenantry create ${record.name}  (or remove it: tenantry delete ${record.name} --yes)`
              : `finish it: tenantry delete ${record.name} --yes`,
        });
        return;
      }
      const serverList = listed.get(record.server);
      if (!serverList) return; // the server could not be listed: already reported
      const server = connections.server(record.server);
      // Not in the listing: gone, or created after it (or named outside the prefix); ask.
      const exists = serverList.has(record.database) || (await server.databaseExists(record.database));
      if (!exists) {
        findings.push({
          ...at,
          kind: 'missing_database',
          detail: `tenant "${record.name}" is ${record.status} but database ${record.database} is not on server ${record.server}`,
          hint: `restore the database, or remove the row: tenantry delete ${record.name} --yes --keep-database`,
        });
        return;
      }
      // Reached through another name of its server: only its tables tell the registry apart.
      if (layout.mayBeRegistry(record.database) && (await server.holdsRegistry(record.database))) {
        findings.push(inUse("the registry's database (its tables are there)"));
        return;
      }
      const pending = await migrator.pending(record);
      if (pending.length > 0) {
        findings.push({
          ...at,
          kind: 'behind_migrations',
          pending,
          detail: `${plural(pending.length, 'migration')} not applied: ${pending.join(', ')}`,
          hint: `tenantry migrate --tenant ${record.name}`,
        });
      }
    };
    try {
      const concurrency = (options.concurrency as number | undefined) ?? DEFAULT_DOCTOR_CONCURRENCY;
      await forEachConcurrent(registry.all(), concurrency, async (record) => {
        tenants++;
        let failed = false;
        try {
          await check(record);
        } catch (error) {
          failed = true;
          findings.push({
            kind: 'check_failed',
            server: record.server,
            database: record.database,
            tenant: record.name,
            status: record.status,
            detail: `could not check tenant "${record.name}": ${errorLine(error)}`,
            hint: `look at the database: tenantry show ${record.name}`,
          });
        }
        progress.tick(failed);
      });
    } finally {
      progress.stop();
    }

    for (const rows of byDatabase.values()) {
      if (rows.length < 2) continue;
      for (const record of rows) {
        const others = rows.filter((r) => r !== record).map((r) => `"${r.name}"`);
        findings.push({
          kind: 'database_in_use',
          server: record.server,
          database: record.database,
          tenant: record.name,
          status: record.status,
          detail: `database ${record.database} of tenant "${record.name}" is also named by tenant ${others.join(', ')}: deleting one would drop the other's data`,
          hint: 'keep the row of the tenant whose data it is; remove the other row alone: tenantry delete <name> --yes --keep-database',
        });
      }
    }

    let databases = 0;
    const listedIds = new Set<string>();
    for (const [server, names] of listed) {
      // Another name of a server already listed: its databases are counted and claimed there.
      if (listedIds.has(physical(server))) continue;
      listedIds.add(physical(server));
      databases += names.size;
      for (const database of names) {
        if (claimed.get(physical(server))?.has(database)) continue;
        findings.push({
          kind: 'orphan_database',
          server,
          database,
          detail: `database ${database} on server ${server} has the tenant prefix "${dbPrefix}" but no tenant names it`,
          hint: `adopt it: tenantry create <name> --database ${database} --server ${server} --adopt  (or drop it by hand)`,
        });
      }
    }

    findings.sort((a, b) => key(a).localeCompare(key(b)));
    const data = { checked: { tenants, servers: ctx.config.servers.length, databases }, findings };
    if (findings.length === 0) return { ok: true, data };
    return { ok: false, data, error: `doctor found ${plural(findings.length, 'problem')}` };
  },
  render({ checked, findings }) {
    const scope = `checked ${plural(checked.tenants, 'tenant')} and ${plural(checked.databases, 'database')} on ${plural(checked.servers, 'server')}`;
    if (findings.length === 0) return `no drift: ${scope}`;
    const rows = findings.map((f) => [f.kind, f.tenant ?? '-', f.server, f.database ?? '-', f.detail]);
    const hints = [...new Set(findings.map((f) => `  ${f.hint}`))];
    return [
      table(['PROBLEM', 'TENANT', 'SERVER', 'DATABASE', 'DETAIL'], rows),
      '',
      `${plural(findings.length, 'problem')} (${scope})`,
      'what to do:',
      ...hints,
    ].join('\n');
  },
};

function key(f: Finding): string {
  return `${FINDING_KINDS.indexOf(f.kind)}:${f.tenant ?? ''}:${f.server}:${f.database ?? ''}`;
}

export default doctor;
