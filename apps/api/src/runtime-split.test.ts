import { readFileSync } from 'node:fs';
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

  it('the one composition (service.ts) and the product it serves reach nothing Node-only', () => {
    for (const entry of ['service.ts', 'product.ts']) {
      const packages = [...importedPackages(join(SRC, entry))];
      expect(packages.filter((p) => /^(node:|prom-client|jiti|@hono\/node-server|@tenantry\/tenancy\/)/.test(p)), entry).toEqual([]);
    }
  });

  it('the Worker and Deno entries bring nothing Node-only', () => {
    for (const entry of ['runtimes/worker.ts', 'runtimes/deno.ts']) {
      const packages = [...importedPackages(join(SRC, entry))];
      expect(packages.filter((p) => /^(node:|prom-client|ioredis|better-sqlite3|jiti|@hono\/node-server|@tenantry\/tenancy\/(node|sqlite|redis))/.test(p)), entry).toEqual([]);
    }
    expect(importedPackages(join(SRC, 'runtimes/worker.ts'))).toContain('@tenantry/tenancy/edge');
    expect(importedPackages(join(SRC, 'runtimes/deno.ts'))).toContain('@tenantry/tenancy/mysql');
  });

  it('the runtime entries are thin: 40 lines or less, the composition and the process plumbing elsewhere', () => {
    for (const entry of ['runtimes/node.ts', 'runtimes/deno.ts', 'runtimes/worker.ts']) {
      const source = readFileSync(join(SRC, entry), 'utf8');
      expect(source.trimEnd().split('\n').length, entry).toBeLessThanOrEqual(40);
      expect(source, entry).toContain("from '../service.js'");
      expect(source, entry).not.toMatch(/new Tenancy|createTenancy|createApp/);
    }
  });

  it('the Node entry brings the Node pieces', () => {
    const packages = importedPackages(join(SRC, 'runtimes/node.ts'));
    for (const p of ['@hono/node-server', '@tenantry/tenancy/node', 'prom-client']) expect(packages).toContain(p);
  });
});
