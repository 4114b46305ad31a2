import { fileURLToPath } from 'node:url';
import { importGraph } from '@tenantry/tenancy/testing';
import { describe, expect, it } from 'vitest';

const NODE_ONLY = /^node:|^@tenantry\/tenancy\/(node|mysql|sqlite|redis|config-file)$|^(mysql2|better-sqlite3|ioredis|jiti|@hono\/node-server)(\/|$)/;

describe('runtime split', () => {
  it('app.ts (AppType, createApp) imports nothing Node-only: a web client or another runtime can take it', () => {
    const { files, packages } = importGraph(fileURLToPath(new URL('./app.ts', import.meta.url)));
    expect(files.some((f) => f.endsWith('routes/notes.ts'))).toBe(true);
    const nodeOnly = [...packages].filter(([name]) => NODE_ONLY.test(name)).map(([name, file]) => `${name} (from ${file})`);
    expect(nodeOnly).toEqual([]);
  });

  it('the Node entry does reach the Node runtime (the check above can fail)', () => {
    const { packages } = importGraph(fileURLToPath(new URL('./main.ts', import.meta.url)));
    expect([...packages.keys()].filter((name) => NODE_ONLY.test(name))).toEqual(
      expect.arrayContaining(['@tenantry/tenancy/node', '@hono/node-server']),
    );
  });
});
