import { InvalidArgumentError } from 'commander';
import type { TenantStatus } from '@tenantry/tenancy';
import type { CommandModule } from './types.js';

export interface OptionSpec {
  readonly flags: string;
  readonly description: string;
  readonly parse?: (value: string) => unknown;
  readonly choices?: readonly string[];
}

export interface CommandSpec {
  /** `['users', 'add']` for `tenantry users add`. */
  readonly path: readonly string[];
  readonly summary: string;
  /** Commander argument syntax: `<name>`, `<name...>`. */
  readonly arguments?: readonly (readonly [syntax: string, description: string])[];
  readonly options?: readonly OptionSpec[];
  /** Needs the product's tenant schema (its migrations), so its tenantry.config. */
  readonly needsSchema?: boolean;
  /** Loads the command's module; nothing else of it is imported until it runs. */
  readonly load: () => Promise<CommandModule>;
}

/** A whole number from 1 to 64 (more than that would only queue on the connection budget). */
export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > 64) {
    throw new InvalidArgumentError('expected a whole number from 1 to 64');
  }
  return n;
}

/** The core's TENANT_STATUSES, written out so that `--help` does not load the core; the check below keeps them in step. */
const TENANT_STATUSES = ['provisioning', 'active', 'suspended', 'deleting'] as const satisfies readonly TenantStatus[];
const allStatusesListed: Exclude<TenantStatus, (typeof TENANT_STATUSES)[number]> extends never ? true : never = true;
void allStatusesListed;

const concurrency = (what: string): OptionSpec => ({
  flags: '--concurrency <n>',
  description: `${what} at a time (1-64)`,
  parse: parseConcurrency,
});

/**
 * The CLI's own commands (DESIGN.md, "CLI contract"), in help order. A product's commands
 * (`users add`, `seed-demo` for apps/api) come from its tenantry.config and follow these.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['init'],
    summary: 'create or upgrade the registry schema',
    load: async () => (await import('./init.js')).default,
  },
  {
    path: ['create'],
    summary: 'create tenants: register each, create its database, migrate it',
    arguments: [['<name...>', 'tenant names (letters, digits, "-", "_"; up to 63)']],
    options: [
      { flags: '--server <server>', description: 'tenant database server (a name in TENANCY_SERVERS)' },
      { flags: '--database <database>', description: 'database name to use (one tenant only); default: prefix + name' },
      { flags: '--adopt', description: 'register an existing database instead of creating one' },
      concurrency('tenants created'),
    ],
    needsSchema: true,
    load: async () => (await import('./create.js')).default,
  },
  {
    path: ['list'],
    summary: 'list tenants',
    options: [{ flags: '--status <status>', description: 'only tenants in this status', choices: TENANT_STATUSES }],
    load: async () => (await import('./list.js')).default,
  },
  {
    path: ['show'],
    summary: "show one tenant, its database and its pending migrations",
    arguments: [['<name>', 'tenant name']],
    needsSchema: true,
    load: async () => (await import('./show.js')).default,
  },
  {
    path: ['suspend'],
    summary: 'stop serving a tenant (its data stays)',
    arguments: [['<name>', 'tenant name']],
    load: async () => (await import('./status.js')).suspend,
  },
  {
    path: ['resume'],
    summary: 'serve a suspended tenant again',
    arguments: [['<name>', 'tenant name']],
    load: async () => (await import('./status.js')).resume,
  },
  {
    path: ['delete'],
    summary: 'delete a tenant and drop its database (needs --yes)',
    arguments: [['<name>', 'tenant name']],
    options: [
      { flags: '--yes', description: 'really delete: without it nothing is dropped' },
      { flags: '--keep-database', description: 'remove the registry row only; the database stays' },
    ],
    load: async () => (await import('./delete.js')).default,
  },
  {
    path: ['migrate'],
    summary: 'bring tenant databases to the latest schema',
    options: [
      { flags: '--tenant <name>', description: 'only this tenant' },
      concurrency('tenants migrated'),
    ],
    needsSchema: true,
    load: async () => (await import('./migrate.js')).default,
  },
  {
    path: ['doctor'],
    summary: 'find drift between the registry and the database servers',
    options: [concurrency('tenants checked')],
    needsSchema: true,
    load: async () => (await import('./doctor.js')).default,
  },
];

export type { CommandModule } from './types.js';
