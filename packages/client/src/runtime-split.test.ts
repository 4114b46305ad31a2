import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from '@tenantry/tenancy/testing';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

describe('runtime split', () => {
  it('the client reaches hono/client alone: it runs in browsers, Workers and Deno, and never loads an app', () => {
    expect([...importGraph(join(SRC, 'index.ts')).packages.keys()]).toEqual(['hono/client']);
  });
});
