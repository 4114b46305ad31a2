import type { Migration } from 'kysely';
import {
  type CreateTenancyOptions,
  type TenantHandle,
  type TenantRecord,
  type TenantRegistry,
  type Tenancy,
  createTenancy,
  loadConfig,
} from '../src/index.js';
import { nodeRuntime } from '../src/node.js';
import type { TestEnvironment } from '../src/testing/index.js';
import { type NotesDatabase, notesProduct } from './fixture-product.js';

/** Wraps a real registry and counts the lookups that reach it. */
/** Counts row reads (`gets`, versioned or not) and registry version reads (`versions`). */
export function countingRegistry(inner: TenantRegistry): TenantRegistry & { gets: number; versions: number } {
  const wrapper = {
    gets: 0,
    versions: 0,
    migrate: () => inner.migrate(),
    get: (name: string) => {
      wrapper.gets++;
      return inner.get(name);
    },
    getVersioned: (name: string) => {
      wrapper.gets++;
      return inner.getVersioned!(name);
    },
    version: () => {
      wrapper.versions++;
      return inner.version!();
    },
    list: (...a: Parameters<TenantRegistry['list']>) => inner.list(...a),
    all: (...a: Parameters<TenantRegistry['all']>) => inner.all(...a),
    count: () => inner.count(),
    findByDatabase: (...a: Parameters<TenantRegistry['findByDatabase']>) => inner.findByDatabase(...a),
    insert: (...a: Parameters<TenantRegistry['insert']>) => inner.insert(...a),
    setStatus: (...a: Parameters<TenantRegistry['setStatus']>) => inner.setStatus(...a),
    setSchemaVersion: (...a: Parameters<TenantRegistry['setSchemaVersion']>) => inner.setSchemaVersion(...a),
    remove: (name: string) => inner.remove(name),
    ping: () => inner.ping(),
    destroy: () => inner.destroy(),
  };
  return wrapper;
}

export interface TestTenancyOptions {
  readonly env?: Record<string, string>;
  readonly registry?: TenantRegistry;
  /** Migrations instead of the fixture product's. */
  readonly migrations?: Readonly<Record<string, Migration>>;
  readonly overrides?: CreateTenancyOptions['overrides'];
}

/** A Tenancy of the fixture product on a test environment, built as every runtime builds one. */
export function testTenancy(environment: TestEnvironment, options: TestTenancyOptions = {}): Tenancy<NotesDatabase> {
  const product = options.migrations ? { ...notesProduct, migrations: options.migrations } : notesProduct;
  return createTenancy(product, {
    settings: loadConfig({ ...environment.env, ...options.env }),
    runtime: nodeRuntime(),
    overrides: { ...options.overrides, ...(options.registry ? { registry: options.registry } : {}) },
  });
}

/** `tenancy.tenant(name)` as a promise, for `.rejects`: tenant() throws at once when it answers at once. */
export const tenantAsync = async <DB>(tenancy: Tenancy<DB>, name: string): Promise<TenantHandle<DB>> => tenancy.tenant(name);

/** The record `tenancy.tenant(name)` answers with, as a promise. */
export const recordOf = async <DB>(tenancy: Tenancy<DB>, name: string): Promise<TenantRecord> => (await tenancy.tenant(name)).tenant;

export const HOSTILE_NAMES: readonly string[] = [
  "a'b",
  'a"b',
  'a`b',
  '`; drop database mysql; --',
  "x' or '1'='1",
  '..',
  '../etc/passwd',
  'a/b',
  'a\\b',
  'a\0b',
  '\0',
  '',
  ' ',
  'a b',
  '-leading-dash',
  '_leading_underscore',
  'x'.repeat(64),
  'x'.repeat(300),
  'tenänt',
  'テナント',
  'a\u200bb',
  'admin',
  'HEALTHZ',
  'readyz',
  'metrics',
  'api',
  'mysql',
  'information_schema',
  'performance_schema',
  'SYS',
];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
