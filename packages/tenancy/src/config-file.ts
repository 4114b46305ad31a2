// The loader of a product's tenantry.config.{ts,js,mjs}. Node-only: exported by
// @tenantry/tenancy/node, and on its own at @tenantry/tenancy/config-file for a tool that wants
// the loader without the drivers (the CLI lists a product's commands in its --help).
import { existsSync, promises as fs, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, type MigrationProvider } from 'kysely';
import { ConfigError } from './errors.js';
import { describeError } from './logger.js';
import type { TenantryConfig } from './tenantry-config.js';

/** The names `findConfigFile` looks for, in this order. */
export const CONFIG_FILE_NAMES = ['tenantry.config.ts', 'tenantry.config.js', 'tenantry.config.mjs'] as const;

/** The product's config file in `dir` (`tenantry.config.ts`, `.js` or `.mjs`), or undefined. */
export function findConfigFile(dir: string = process.cwd()): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Loads a product's `tenantry.config.{ts,js,mjs}` with jiti (TypeScript without a build step)
 * and checks its shape. A `migrations` folder is resolved against the file's folder and read
 * with Kysely's `FileMigrationProvider`. Throws one-line ConfigErrors that name the file.
 */
export async function loadConfigFile(file: string): Promise<TenantryConfig<any>> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute) || !statSync(absolute).isFile()) throw new ConfigError(`config file not found: ${file}`);
  let loaded: unknown;
  try {
    // Loaded only now: jiti is for the CLI and tools, not for a server's start-up.
    const { createJiti } = await import('jiti');
    loaded = await createJiti(import.meta.url).import(absolute, { default: true });
  } catch (error) {
    throw new ConfigError(`cannot load config file ${file}: ${firstLine(describeError(error))}`);
  }
  return checkConfig(loaded, file, path.dirname(absolute));
}

/** The config as the file exports it, or a ConfigError that names the file and the field. */
function checkConfig(loaded: unknown, file: string, dir: string): TenantryConfig<any> {
  const problem = (what: string) => new ConfigError(`config file ${file}: ${what}`);
  if (!isObject(loaded) || !('migrations' in loaded)) {
    throw problem('the default export must be defineConfig({ migrations, ... })');
  }
  const config = loaded as unknown as TenantryConfig<any>;
  const { migrations, connection, seedDemo, commands } = config;
  let resolved = migrations;
  if (typeof migrations === 'string') resolved = migrationFolder(path.resolve(dir, migrations), problem);
  else if (!isObject(migrations)) throw problem('migrations must be an object of Kysely migrations, a MigrationProvider or a folder');
  else if (typeof migrations.getMigrations !== 'function') {
    for (const [name, migration] of Object.entries(migrations)) {
      if (!isObject(migration) || typeof migration.up !== 'function') throw problem(`migration "${name}" has no up() function`);
    }
  }
  if (connection !== undefined && !isObject(connection)) throw problem('connection must be an object');
  if (seedDemo !== undefined && typeof seedDemo !== 'function') throw problem('seedDemo must be a function');
  if (commands !== undefined) {
    if (!Array.isArray(commands)) throw problem('commands must be an array');
    const seen = new Set<string>();
    for (const command of commands as unknown[]) {
      const c = command as Record<string, unknown>;
      const words = Array.isArray(c?.path) ? (c.path as unknown[]) : [];
      const name = words.join(' ');
      if (words.length === 0 || !words.every((w) => typeof w === 'string' && /^[a-z][a-z0-9-]*$/.test(w))) {
        throw problem(`a command's path must be lower-case words, e.g. ['notes', 'add'] (got ${JSON.stringify(c?.path)})`);
      }
      if (typeof c.summary !== 'string' || typeof c.run !== 'function' || typeof c.render !== 'function') {
        throw problem(`command "${name}" needs a summary, run() and render()`);
      }
      if (seen.has(name)) throw problem(`command "${name}" is declared twice`);
      seen.add(name);
    }
  }
  return { ...config, migrations: resolved };
}

/** Kysely's FileMigrationProvider over `folder`; TypeScript migrations are imported through jiti's hooks. */
function migrationFolder(folder: string, problem: (what: string) => ConfigError): MigrationProvider {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw problem(`the migrations folder ${folder} does not exist`);
  const files = new FileMigrationProvider({ fs, path, migrationFolder: folder });
  const typescript = readdirSync(folder).some((f) => /\.m?ts$/.test(f) && !/\.d\.m?ts$/.test(f));
  return {
    async getMigrations() {
      if (typescript) await registerTypeScriptHooks();
      return files.getMigrations();
    },
  };
}

let hooks: Promise<unknown> | undefined;
/** Lets `import()` load .ts files in this process (Node's module hooks, from jiti). */
function registerTypeScriptHooks(): Promise<unknown> {
  // Its types declare no module (it only calls module.register), hence the cast.
  hooks ??= import('jiti/register' as string);
  return hooks;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
