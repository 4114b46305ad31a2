import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from '@tenantry/tenancy/testing';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Packages reachable from `entry` by value imports (type-only imports vanish from the bundle). */
const importedPackages = (entry: string) => new Set(importGraph(entry).packages.keys());

describe('runtime split', () => {
  it('createApp reaches nothing Node-only, so a Workers entry can reuse it', () => {
    const packages = [...importedPackages(join(SRC, 'app.ts'))].sort();
    expect(packages.filter((p) => /^(node:|prom-client|@hono\/node-server|@tenantry\/tenancy\/)/.test(p))).toEqual([]);
    expect(packages).toEqual([
      '@hono/zod-validator',
      '@tenantry/hono',
      '@tenantry/tenancy',
      'hono',
      'hono/body-limit',
      'hono/route',
      'hono/router/pattern-router',
      'kysely',
      'zod',
    ]);
  });

  it('the Worker and Deno entries bring nothing Node-only', () => {
    for (const entry of ['runtimes/worker.ts', 'runtimes/deno.ts']) {
      const packages = [...importedPackages(join(SRC, entry))];
      expect(packages.filter((p) => /^(node:|prom-client|ioredis|better-sqlite3|@hono\/node-server|@tenantry\/tenancy\/(node|sqlite|redis))/.test(p)), entry).toEqual([]);
    }
    expect(importedPackages(join(SRC, 'runtimes/worker.ts'))).toContain('@tenantry/tenancy/edge');
  });

  it('the Node entry brings the Node pieces', () => {
    const packages = importedPackages(join(SRC, 'runtimes/node.ts'));
    for (const p of ['@hono/node-server', '@tenantry/tenancy/node', 'prom-client']) expect(packages).toContain(p);
  });
});
