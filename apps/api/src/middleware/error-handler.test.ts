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
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { ApiError, STATUS_BY_TENANCY_CODE } from '../errors.js';
import type { AppEnv } from '../types.js';
import { errorHandler, notFoundHandler } from './error-handler.js';

function appThrowing(error: unknown, logged: unknown[][]) {
  const logger: TenancyLogger = {
    info: () => {},
    warn: (...args) => logged.push(['warn', ...args]),
    error: (...args) => logged.push(['error', ...args]),
  };
  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  app.onError(errorHandler(logger));
  app.notFound(notFoundHandler());
  app.get('/boom', () => {
    throw error;
  });
  return app;
}

type ErrorBody = { error: { code: string; message: string; requestId: string } };

describe('errorHandler', () => {
  it('maps every core error code through the one table', async () => {
    for (const code of ERROR_CODES) {
      const res = await appThrowing(new TenancyError(code, `a ${code}`), []).request('/boom');
      expect(res.status, code).toBe(STATUS_BY_TENANCY_CODE[code]);
      expect(((await res.json()) as ErrorBody).error.code).toBe(code);
      expect(res.headers.get('retry-after') !== null, code).toBe(res.status === 503);
    }
  });

  it.each([
    [new InvalidTenantNameError('bad'), 404],
    [new TenantNotFoundError('x'), 404],
    [new TenantSuspendedError('x'), 403],
    [new TenantUnavailableError('x', 'provisioning'), 503],
    [new RegistryUnavailableError({ cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 503],
    [new TenantDatabaseUnavailableError('default'), 503],
    [new ApiError('invalid_input', 'no'), 400],
  ])('answers %s with %i and the error body', async (error, status) => {
    const res = await appThrowing(error, []).request('/boom', { headers: { 'X-Request-Id': 'rid-1' } });
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error: { code: error.code, message: error.message, requestId: 'rid-1' } });
  });

  it('answers an unexpected error with a generic 500 and logs it once with the request id', async () => {
    const logged: unknown[][] = [];
    const res = await appThrowing(new Error('password=hunter2 leaked by a driver'), logged).request('/boom', {
      headers: { 'X-Request-Id': 'rid-500' },
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as ErrorBody;
    expect(body).toEqual({ error: { code: 'internal_error', message: 'internal server error', requestId: 'rid-500' } });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[0]).toBe('error');
    expect(logged[0]?.[2]).toMatchObject({ requestId: 'rid-500' });
  });

  it('answers an unknown route 404 in the same shape', async () => {
    const res = await appThrowing(null, []).request('/nowhere');
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorBody).error.code).toBe('not_found');
  });
});
