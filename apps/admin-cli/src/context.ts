import type { Tenancy, TenancyConfig, TenancyLogger } from '@tenantry/tenancy';
import { type Progress, createProgress } from './progress.js';

/** What a command gets: the configuration, the core (opened on first use), and a way to show progress. */
export interface CommandContext {
  readonly config: TenancyConfig;
  /**
   * The core, wired from the environment; opened on first call, closed by the CLI after the
   * command. Loads the drivers, so commands check their arguments before asking for it.
   */
  tenancy(): Promise<Tenancy>;
  /** Progress over `total` tenants on stderr (a bar on a terminal, plain lines otherwise). */
  progress(label: string, total: number): Progress;
}

export interface ContextOptions {
  readonly config: TenancyConfig;
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
  return {
    config,
    tenancy() {
      tenancy ??= (async () => {
        const { createTenancy, RedisInvalidationBus } = await import('@tenantry/tenancy/node');
        // The CLI only publishes: it keeps no cache for other processes to invalidate.
        const invalidation = config.redisUrl
          ? new RedisInvalidationBus({ url: config.redisUrl, logger, publishOnly: true })
          : undefined;
        return createTenancy({ ...config, redisUrl: undefined }, { logger, ...(invalidation ? { overrides: { invalidation } } : {}) });
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
