import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGraph } from '../src/testing/import-graph.js';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
/** Modules an edge bundle (Cloudflare Workers) cannot or should not carry. */
const NODE_ONLY = /^(node:|better-sqlite3$|ioredis$|mysql2|fs$|path$|os$|net$|tls$|crypto$|child_process$)/;

describe('runtime split', () => {
  it('the root entry reaches nothing Node-only', () => {
    const { files, packages } = importGraph(join(SRC, 'index.ts'));
    expect(files.length).toBeGreaterThan(10);
    const offending = [...packages].filter(([specifier]) => NODE_ONLY.test(specifier));
    expect(offending).toEqual([]);
    expect([...packages.keys()].sort()).toEqual(['kysely', 'lru-cache', 'zod']);
  });

  it('the config file loader (jiti) sits behind the Node subpath, loaded only when a file is', () => {
    const graph = importGraph(join(SRC, 'node.ts'));
    expect([...graph.packages.keys()]).toContain('jiti');
    expect(readFileSync(join(SRC, 'config-file.ts'), 'utf8')).not.toMatch(/^import[^;]*'jiti'/m);
    for (const entry of ['index.ts', 'drivers/edge/index.ts', 'drivers/mysql/index.ts']) {
      expect([...importGraph(join(SRC, entry)).packages.keys()], entry).not.toContain('jiti');
    }
  });

  it('the Node-only drivers sit behind their own subpaths', () => {
    expect([...importGraph(join(SRC, 'drivers/sqlite/index.ts')).packages.keys()]).toContain('better-sqlite3');
    expect([...importGraph(join(SRC, 'drivers/mysql/index.ts')).packages.keys()]).toContain('mysql2');
    expect([...importGraph(join(SRC, 'cache/redis-invalidation.ts')).packages.keys()]).toContain('ioredis');
  });

  it('the edge driver reaches mysql2 and what workerd provides, nothing else Node-only', () => {
    const packages = [...importGraph(join(SRC, 'drivers/edge/index.ts')).packages.keys()].sort();
    expect(packages).toEqual(['kysely', 'lru-cache', 'mysql2', 'node:async_hooks', 'zod']);
  });
});
