import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from '@tenantry/tenancy/testing';
import { describe, expect, it } from 'vitest';

const SRC = dirname(fileURLToPath(import.meta.url));

describe('runtime split', () => {
  it('the package reaches nothing Node-only, so Workers and Deno can use it', () => {
    const packages = [...importGraph(join(SRC, 'index.ts')).packages.keys()].sort();
    expect(packages).toEqual(['@tenantry/tenancy', 'hono/http-exception']);
  });
});
