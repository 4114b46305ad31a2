// Finding the product's tenantry.config before anything heavy loads: `--help` and usage errors
// stay quick, and the file is read only when a command runs or help lists its commands.
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ConnectionDefaults, ProductCommand, TenantryConfig } from '@tenantry/tenancy';

/** The core's CONFIG_FILE_NAMES, written out so that finding the file loads nothing (a test keeps them in step). */
export const CONFIG_FILE_NAMES = ['tenantry.config.ts', 'tenantry.config.js', 'tenantry.config.mjs'] as const;

/** Where the product's config is, and how the CLI was told. */
export interface ConfigLocation {
  readonly path: string;
  /** `--config` or TENANCY_CONFIG (a missing file is then an error), or found in the working directory. */
  readonly given: boolean;
}

/** Global options that take a value, so the words after them are not commands. */
const GLOBAL_OPTIONS_WITH_VALUES = new Set(['--config']);

/** `--config <path>` or `--config=<path>` from the command line, before commander has parsed it. */
export function configOption(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}

/** The config file: `--config`, else TENANCY_CONFIG, else tenantry.config.{ts,js,mjs} in `cwd`. */
export function locateConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string): ConfigLocation | undefined {
  const given = configOption(argv) ?? (env.TENANCY_CONFIG?.trim() || undefined);
  if (given !== undefined) return { path: isAbsolute(given) ? given : resolve(cwd, given), given: true };
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(cwd, name);
    if (existsSync(path)) return { path, given: false };
  }
  return undefined;
}

/** The first word of the command line that is not a global option (or its value): the command. */
export function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (GLOBAL_OPTIONS_WITH_VALUES.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** Loads the product's config (jiti, through the core's Node loader); ConfigErrors name the file. */
export async function loadProduct(location: ConfigLocation): Promise<TenantryConfig<any>> {
  const { loadConfigFile } = await import('@tenantry/tenancy/config-file');
  return loadConfigFile(location.path);
}

/** The connection URLs a config file gives, to be scrubbed from output like the environment's. */
export function connectionSecretsEnv(connection: ConnectionDefaults | undefined): Record<string, string | undefined> {
  const servers = connection?.servers;
  return {
    DATABASE_URL: connection?.databaseUrl,
    TENANCY_SERVERS: typeof servers === 'string' ? servers : Object.values(servers ?? {}).join(','),
    REDIS_URL: connection?.redisUrl,
  };
}

export type AnyProductCommand = ProductCommand<any>;
