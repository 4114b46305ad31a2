import {
  ConfigError,
  type Tenancy,
  type TenancyConfig,
  type TenancyLogger,
  type TenancyRuntime,
  createTenancy,
  describeError,
  describeLocation,
  loadConfig,
} from '@tenantry/tenancy';
import type { Hono } from 'hono';
import { z } from 'zod';
import { createApp } from './app.js';
import product from './product.js';
import type { NotesDatabase } from './schema.js';
import type { NotesEnv } from './types.js';

/** The notes service listens here unless PORT says otherwise (the seed API has 3000). */
export const DEFAULT_PORT = 3100;

const Port = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
);

export interface ServiceOptions {
  /** `process.env`: read here and nowhere else. */
  readonly env: Readonly<Record<string, unknown>>;
  /** What the runtime supplies to the core (`nodeRuntime()`). */
  readonly runtime: TenancyRuntime;
  readonly logger: TenancyLogger;
}

/** The service of one process: the app, the tenancy it runs on, and where it listens. */
export interface Service {
  readonly app: Hono<NotesEnv>;
  readonly tenancy: Tenancy<NotesDatabase>;
  readonly settings: TenancyConfig;
  readonly port: number;
}

/**
 * The one composition of the notes service: the product's tenancy on the runtime (environment
 * over the product's connection defaults), and the app over it. Throws ConfigError for a bad
 * variable, before anything opens.
 */
export function createService({ env, runtime, logger }: ServiceOptions): Service {
  const port = Port.safeParse(env.PORT);
  if (!port.success) throw new ConfigError(`invalid configuration: PORT: ${port.error.issues[0]?.message ?? 'invalid'}`);
  const settings = loadConfig(env, product.connection);
  const tenancy = createTenancy(product, { settings, runtime, logger });
  return { app: createApp({ tenancy, logger }), tenancy, settings, port: port.data };
}

/**
 * Creates or upgrades the registry schema (idempotent, as `tenantry init`), so that a fresh
 * clone starts without a step first. On failure the tenancy is closed and the error says where
 * the registry is.
 */
export async function prepareRegistry({ tenancy, settings }: Service): Promise<void> {
  try {
    await tenancy.registry.migrate();
  } catch (error) {
    await tenancy.destroy();
    throw new Error(`cannot prepare the registry at ${describeLocation(settings.registry)}: ${describeError(error)}`);
  }
}

/** The one line the entry prints when the service cannot start. */
export function startupError(error: unknown): string {
  return error instanceof ConfigError ? error.message : describeError(error);
}
