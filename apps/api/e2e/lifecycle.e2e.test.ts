import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import type { Tenancy } from '@tenantry/tenancy';
import type { TenantDatabase } from '../src/schema.js';
import { type TestEnvironment, createTestEnvironment } from '@tenantry/tenancy/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ENTRY, adminTenancy, eventually, startServer } from './helpers.js';

describe('starting the server', () => {
  it('fails fast with one clear line on a bad configuration', () => {
    const result = spawnSync(process.execPath, [SERVER_ENTRY], {
      env: { PATH: process.env.PATH ?? '', TENANCY_IDENTIFY: 'cookie', DATABASE_URL: 'sqlite:/nonexistent/r.db' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^tenantry-api: invalid configuration: TENANCY_IDENTIFY/);
  });

  it('does not print a password when the registry cannot be reached', () => {
    const result = spawnSync(process.execPath, [SERVER_ENTRY], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'mysql://root:hunter2@127.0.0.1:1/reg' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^tenantry-api: cannot prepare the registry at mysql:\/\/root:\*\*\*@127\.0\.0\.1:1\/reg/);
    expect(result.stderr + result.stdout).not.toContain('hunter2');
  });

  it('migrates a MySQL registry but never seeds it on its own', async () => {
    const env = createTestEnvironment('mysql', 'api-noseed');
    const server = await startServer(env.env);
    try {
      expect((await fetch(`${server.url}/TenantA/users`)).status).toBe(404);
      expect(server.output()).not.toContain('curl');
      const tenancy = await adminTenancy(env.env);
      expect(await tenancy.registry.count()).toBe(0);
      await tenancy.destroy();
    } finally {
      expect(await server.stop()).toBe(0);
      await env.cleanup();
    }
  });
});

describe('stopping the server', () => {
  // About 7.8 MB of JSON: more than loopback's socket buffers take (send buffers autotune up
  // to 4 MB here), so a paused client really keeps the response in flight at the signal.
  const USERS = 600_000;
  let env: TestEnvironment;
  let tenancy: Tenancy<TenantDatabase>;

  beforeAll(async () => {
    env = createTestEnvironment('sqlite', 'api-shutdown');
    tenancy = await adminTenancy(env.env);
    await tenancy.provisioner.create('Large');
    const { db } = await tenancy.tenant('Large');
    for (let i = 0; i < USERS; i += 5_000) {
      await db
        .insertInto('users')
        .values(Array.from({ length: 5_000 }, (_, j) => ({ username: `user-${i + j}` })))
        .execute();
    }
  });

  afterAll(async () => {
    await tenancy?.destroy();
    await env?.cleanup();
  });

  it('on SIGTERM finishes the request in flight, refuses new ones, and exits 0', async () => {
    const server = await startServer(env.env);
    // The client holds the body unread, so the server cannot have finished it when the signal lands.
    const { status, read } = await new Promise<{ status: number; read: () => Promise<string> }>((resolve, reject) => {
      request({ host: '127.0.0.1', port: server.port, path: '/Large/users' }, (res) => {
        res.pause();
        resolve({
          status: res.statusCode ?? 0,
          read: () =>
            new Promise((done, fail) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (chunk: string) => (body += chunk));
              res.on('end', () => done(body));
              res.on('error', fail);
              res.resume();
            }),
        });
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);

    const exited = server.stop();
    const shuttingDown = await eventually(async () => (server.output().includes('shutting down') ? true : undefined), 10_000);
    expect(shuttingDown).toBe(true);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(server.process.exitCode).toBeNull();

    const body = JSON.parse(await read()) as { Large: string[] };
    expect(body.Large).toHaveLength(USERS);
    expect(body.Large[USERS - 1]).toBe(`user-${USERS - 1}`);
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/"msg":"stopped"/);
  });
});
