import { ConfigError, type ProductCommandContext, type Tenancy, type TenancyConfig, type TenancyLogger, type TenantryConfig } from '@tenantry/tenancy';
import { createProgress } from './progress.js';

/** What a command gets: the settings, the product's core (opened on first use), and a way to show progress. */
export interface CommandContext extends ProductCommandContext<any> {
  /**
   * The core, wired from the settings and the product's config; opened on first call, closed
   * by the CLI after the command. Loads the drivers, so commands check their arguments before
   * asking for it.
   */
  tenancy(): Promise<Tenancy>;
}

export interface ContextOptions {
  readonly config: TenancyConfig;
  /** The product's config; without one, the registry commands work and migrations are refused. */
  readonly product: TenantryConfig<any> | undefined;
  /** Why there is no product (for the error when a migration is asked for anyway). */
  readonly noProduct: string;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly verbose: boolean;
  /** Writes a line to stderr, passwords scrubbed. */
  readonly writeErr: (line: string) => void;
}

/** A CommandContext plus the close() that the CLI calls once the command is done. */
export function createContext(options: ContextOptions): CommandContext & { close(): Promise<void> } {
  const { config, writeErr } = options;
  let tenancy: Promise<Tenancy> | undefined;
  const warned = new Set<string>();
  const logger: TenancyLogger = {
    info: (message, fields) => {
      if (options.verbose) writeErr(`info: ${message}${fieldsText(fields)}`);
    },
    warn: (message, fields) => {
      // The same warning for each of a thousand tenants says nothing new after the first.
      if (warned.has(message) && !options.verbose) return;
      warned.add(message);
      writeErr(`warning: ${message}${fieldsText(fields)}`);
    },
    error: (message, fields) => writeErr(`error: ${message}${fieldsText(fields)}`),
  };
  // Registry commands need no tenant schema; should one be asked for, it says why there is none.
  const noSchema: TenantryConfig<any> = {
    migrations: {
      getMigrations: () => Promise.reject(new ConfigError(options.noProduct)),
    },
  };
  return {
    config,
    tenancy() {
      tenancy ??= (async () => {
        const [{ createTenancy }, { nodeRuntime }] = await Promise.all([import('@tenantry/tenancy'), import('@tenantry/tenancy/node')]);
        // The CLI only publishes invalidations: it keeps no cache for other processes to invalidate.
        return createTenancy(options.product ?? noSchema, { settings: config, runtime: nodeRuntime({ publishOnly: true }), logger });
      })();
      return tenancy;
    },
    progress: (label, total) => createProgress({ label, total, stream: options.stderr }),
    async close() {
      if (tenancy) await (await tenancy).destroy();
    },
  };
}

function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return '';
  return ` (${Object.entries(fields)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ')})`;
}
