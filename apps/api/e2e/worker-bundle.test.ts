// What `wrangler deploy` would upload, built offline: no Node-only module may be in it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const APP = fileURLToPath(new URL('..', import.meta.url));
const outdir = mkdtempSync(join(tmpdir(), 'tenantry-worker-'));

describe('the Worker bundle (wrangler deploy --dry-run)', () => {
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('holds the app, the core and mysql2, and nothing Node-only', async () => {
    await promisify(execFile)(
      join(APP, 'node_modules/.bin/wrangler'),
      ['deploy', '--dry-run', '--outdir', outdir, '--metafile', join(outdir, 'meta.json')],
      { cwd: APP, env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } },
    );
    const meta = JSON.parse(readFileSync(join(outdir, 'meta.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    const inputs = Object.keys(meta.inputs);
    expect(inputs.some((f) => f.includes('/mysql2/'))).toBe(true);
    expect(inputs.some((f) => f.includes('drivers/edge/'))).toBe(true);
    expect(inputs.filter((f) => /\/(better-sqlite3|ioredis|prom-client|@hono\/node-server)\/|tenancy\/dist\/(node|drivers\/sqlite)/.test(f))).toEqual([]);
    // Workers allow 3 MiB (free) / 10 MiB (paid) after gzip; this stays far below.
    expect(statSync(join(outdir, 'worker.js')).size).toBeLessThan(4 * 1024 * 1024);
  });
});
