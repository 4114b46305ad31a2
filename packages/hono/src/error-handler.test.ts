import {
  ERROR_CODES,
  InvalidTenantNameError,
  RegistryUnavailableError,
  TenancyError,
  TenantDatabaseUnavailableError,
  TenantNotFoundError,
  TenantSuspendedError,
  TenantUnavailableError,
  type TenancyLogger,
} from '@tenantry/tenancy';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { type ErrorBody, HttpError, STATUS_BY_TENANCY_CODE } from './errors.js';
import { requestId } from './request-id.js';
import type { RequestIdEnv } from './types.js';

function appThrowing(error: unknown, logged: unknown[][] = []) {
  const logger: TenancyLogger = {
    info: () => {},
    warn: (...args) => logged.push(['warn', ...args]),
    error: (...args) => logged.push(['error', ...args]),
  };
  const app = new Hono<RequestIdEnv>();
  app.use(requestId());
  app.onError(errorHandler({ logger }));
  app.notFound(notFoundHandler());
  app.get('/boom', () => {
    throw error;
  });
  app.post('/small', bodyLimit({ maxSize: 4 }), (c) => c.text('ok'));
  return app;
}

describe('errorHandler', () => {
  it('maps every core error code through the one table, with Retry-After on each 503', async () => {
    for (const code of ERROR_CODES) {
      const res = await appThrowing(new TenancyError(code, `a ${code}`)).request('/boom');
      expect(res.status, code).toBe(STATUS_BY_TENANCY_CODE[code]);
      expect(((await res.json()) as ErrorBody).error.code).toBe(code);
      expect(res.headers.get('retry-after'), code).toBe(res.status === 503 ? '5' : null);
    }
  });

  it.each([
    [new InvalidTenantNameError('bad'), 404],
    [new TenantNotFoundError('x'), 404],
    [new TenantSuspendedError('x'), 403],
    [new TenantUnavailableError('x', 'provisioning'), 503],
    [new RegistryUnavailableError({ cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 503],
    [new TenantDatabaseUnavailableError('default'), 503],
    [new HttpError(400, 'invalid_input', 'no'), 400],
    [new HttpError(404, 'user_not_found', 'user 3 does not exist'), 404],
  ])('answers %s with %i and the error body', async (error, status) => {
    const res = await appThrowing(error).request('/boom', { headers: { 'X-Request-Id': 'rid-1' } });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code: error.code, message: error.message, requestId: 'rid-1' } });
  });

  it('hides the message of a core 500 and logs 5xx once, 503 as a warning', async () => {
    const logged: unknown[][] = [];
    const res = await appThrowing(new TenancyError('migration_failed', 'secret detail'), logged).request('/boom');
    expect(res.status).toBe(500);
    expect(((await res.json()) as ErrorBody).error.message).toBe('internal server error');
    await appThrowing(new TenantDatabaseUnavailableError('default'), logged).request('/boom');
    expect(logged.map((l) => l[0])).toEqual(['error', 'warn']);
  });

  it("maps Hono's HTTPException below 500: 413 payload_too_large, 401 unauthorized, others invalid_input 400", async () => {
    const big = await appThrowing(null).request('/small', { method: 'POST', body: 'far too long' });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error.code).toBe('payload_too_large');
    const unauthorized = await appThrowing(new HTTPException(401, { message: 'who?' })).request('/boom');
    expect([unauthorized.status, ((await unauthorized.json()) as ErrorBody).error.code]).toEqual([401, 'unauthorized']);
    const teapot = await appThrowing(new HTTPException(418)).request('/boom');
    expect([teapot.status, ((await teapot.json()) as ErrorBody).error.code]).toEqual([400, 'invalid_input']);
  });

  it('answers an unexpected error with a generic 500 and logs it once with the request id', async () => {
    const logged: unknown[][] = [];
    const res = await appThrowing(new Error('password=hunter2 leaked by a driver'), logged).request('/boom', {
      headers: { 'X-Request-Id': 'rid-500' },
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: 'internal server error', requestId: 'rid-500' } });
    expect(text).not.toContain('hunter2');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[0]).toBe('error');
    expect(logged[0]?.[2]).toMatchObject({ requestId: 'rid-500' });
  });

  it('answers an unknown route 404 in the same shape, with the request id', async () => {
    const res = await appThrowing(null).request('/nowhere', { headers: { 'X-Request-Id': 'rid-404' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nowhere', requestId: 'rid-404' } });
    expect(res.headers.get('x-request-id')).toBe('rid-404');
  });

  it('writes requestId null without the request id middleware', async () => {
    const app = new Hono();
    app.onError(errorHandler({ logger: { info() {}, warn() {}, error() {} } }));
    app.get('/boom', () => {
      throw new TenantNotFoundError('x');
    });
    expect(((await (await app.request('/boom')).json()) as ErrorBody).error.requestId).toBeNull();
  });
});
