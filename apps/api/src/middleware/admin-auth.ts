import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';
import type { AppEnv } from '../types.js';

/** Compares in time that depends on the lengths only, not on where the strings first differ. */
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  return diff === 0;
}

/** `Authorization: Bearer <token>` or 401 with the usual error body. */
export function adminAuth(token: string): MiddlewareHandler<AppEnv> {
  const expected = `Bearer ${token}`;
  return async function adminAuth(c, next) {
    const given = c.req.header('authorization') ?? '';
    if (!constantTimeEqual(given, expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="tenantry-admin"');
      throw new ApiError('unauthorized', 'a valid admin bearer token is required');
    }
    await next();
  };
}
