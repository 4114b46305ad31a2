import type { Migration, MigrationProvider } from 'kysely';
import type { ConnectionDefaults, TenancyConfig } from './config.js';
import type { Tenancy } from './tenancy.js';

/**
 * A product's tenant schema: Kysely migrations by name, applied in name order (append only: a
 * released migration never changes), or any Kysely `MigrationProvider`.
 */
export type TenantMigrations = Readonly<Record<string, Migration>> | MigrationProvider;

/**
 * What a product declares once, in `tenantry.config.ts` at its root, and every part of it uses:
 * its API, the `tenantry` CLI, provisioning, migrations and doctor. `DB` is the Kysely database
 * type of a tenant database, as the migrations make it.
 */
export interface TenantryConfig<DB> {
  /**
   * The tenant schema: migrations by name, a `MigrationProvider`, or a folder of migration files
   * (`.ts`, `.js`, `.mjs`, one migration each) relative to the config file. A folder is read with
   * Kysely's `FileMigrationProvider`, so only where the config is loaded by the Node loader
   * (`loadConfigFile` in `@tenantry/tenancy/node`, which the CLI uses).
   */
  readonly migrations: TenantMigrations | string;
  /** Defaults for the connection settings; each environment variable overrides its own. */
  readonly connection?: ConnectionDefaults;
  /**
   * Creates the product's demo tenants and their data; idempotent. A product's API may run it
   * on its first start on the embedded default, and its CLI command `seed-demo`.
   */
  readonly seedDemo?: (tenancy: Tenancy<DB>) => Promise<unknown>;
  /** Commands the `tenantry` CLI mounts beside its own (`tenantry notes add …`). */
  readonly commands?: readonly ProductCommand<DB>[];
}

/**
 * Declares a product's configuration with its tenant database type: `defineConfig<DB>({...})`.
 * Returns it as it is; the type parameter is what makes `Tenancy<DB>` hand out `Kysely<DB>`.
 */
export function defineConfig<DB>(config: TenantryConfig<DB>): TenantryConfig<DB> {
  return config;
}

/** What a product command gets from the CLI. */
export interface ProductCommandContext<DB> {
  /** The connection settings in force (environment over the config file). */
  readonly config: TenancyConfig;
  /** The core for this product, opened on first call and closed by the CLI after the command. */
  tenancy(): Promise<Tenancy<DB>>;
  /** Progress over `total` tenants on stderr (a bar on a terminal, plain lines otherwise). */
  progress(label: string, total: number): { tick(failed?: boolean): void; stop(): void };
}

/** Positional arguments (a variadic one as an array) and options, as the parser delivers them. */
export interface ProductCommandInput {
  readonly args: readonly unknown[];
  readonly options: Readonly<Record<string, unknown>>;
}

/** What a command returns: data (a table, or JSON with `--json`) and whether the work succeeded. */
export interface ProductCommandResult<T> {
  readonly data: T;
  /** False when the work failed, in whole or in part: exit code 1. */
  readonly ok: boolean;
  /** With `ok: false`, the one line for stderr. */
  readonly error?: string;
}

/**
 * A command of the product, mounted by the `tenantry` CLI at `path` (`['notes', 'add']` is
 * `tenantry notes add`). Throw {@link UsageError} for an invocation that is wrong as given (exit
 * 2), a core error for work that failed (exit 1); `--json` prints `data` in the CLI's envelope.
 */
export interface ProductCommand<DB, T = any> {
  readonly path: readonly string[];
  readonly summary: string;
  /** Commander argument syntax and description: `['<tenant>', 'tenant name']`, `['<name...>', …]`. */
  readonly arguments?: readonly (readonly [syntax: string, description: string])[];
  /** Commander option syntax and description: `['--limit <n>', 'at most n']`; camel-cased in `input.options`. */
  readonly options?: readonly (readonly [flags: string, description: string])[];
  run(ctx: ProductCommandContext<DB>, input: ProductCommandInput): Promise<ProductCommandResult<T>>;
  /** The human form of `data`: tables and sentences, written with the CLI's own helpers. */
  render(data: T, format: CommandFormat): string;
}

/** The CLI's text helpers, so a product command prints as the CLI's own commands do. */
export interface CommandFormat {
  /** Plain padded columns under upper-case headers. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): string;
  /** `1 tenant`, `2 tenants`. */
  plural(n: number, one: string, many?: string): string;
}

/**
 * The invocation is wrong as given (a bad argument, a missing confirmation): the CLI prints the
 * message and exits 2, having changed nothing.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** In `--json` error documents, beside the core's codes: `usage`, or the core's code it stands for. */
  readonly code: string;

  constructor(message: string, options?: { code?: string }) {
    super(message);
    this.code = options?.code ?? 'usage';
  }
}
