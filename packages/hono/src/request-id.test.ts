import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { errorHandler } from './error-handler.js';
import { HttpError } from './errors.js';
import { requestId, respond } from './request-id.js';
import type { RequestIdEnv } from './types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function app(options?: Parameters<typeof requestId>[0]) {
  const a = new Hono<RequestIdEnv>();
  a.use(requestId(options));
  a.onError(errorHandler({ logger: { info() {}, warn() {}, error() {} } }));
  a.get('/json', (c) => c.json({ id: c.var.requestId }));
  a.get('/raw', (c) => new Response(c.get('requestId')));
  a.get('/respond', (c) => respond(c, '[]', 201, 'application/json'));
  a.get('/fail', () => {
    throw new HttpError(400, 'invalid_input', 'no');
  });
  return a;
}

describe('requestId', () => {
  it('keeps a well-formed incoming X-Request-Id, on c.var and in the answer', async () => {
    const res = await app().request('/json', { headers: { 'X-Request-Id': 'abc-123_x=' } });
    expect(res.headers.get('x-request-id')).toBe('abc-123_x=');
    expect(await res.json()).toEqual({ id: 'abc-123_x=' });
  });

  it('generates one when none comes, or a malformed or too long one', async () => {
    for (const given of [undefined, '', 'a b"<script>', 'ü', 'x'.repeat(256)]) {
      const res = await app().request('/json', given === undefined ? {} : { headers: { 'X-Request-Id': given } });
      const { id } = (await res.json()) as { id: string };
      expect(id, given).toMatch(UUID);
      expect(res.headers.get('x-request-id')).toBe(id);
    }
    const kept = await app().request('/json', { headers: { 'X-Request-Id': 'x'.repeat(255) } });
    expect(kept.headers.get('x-request-id')).toBe('x'.repeat(255));
  });

  it('echoes the id on a Response the handler built itself, on respond() and on errors', async () => {
    const raw = await app().request('/raw');
    expect(raw.headers.get('x-request-id')).toBe(await raw.text());
    const stamped = await app().request('/respond', { headers: { 'X-Request-Id': 'rid-r' } });
    expect([stamped.status, stamped.headers.get('x-request-id'), stamped.headers.get('content-type')]).toEqual([201, 'rid-r', 'application/json']);
    const failed = await app().request('/fail', { headers: { 'X-Request-Id': 'rid-f' } });
    expect(failed.headers.get('x-request-id')).toBe('rid-f');
  });

  it('takes a generator and a length limit', async () => {
    const res = await app({ generator: () => 'made-here', limitLength: 4 }).request('/json', { headers: { 'X-Request-Id': 'abcde' } });
    expect(res.headers.get('x-request-id')).toBe('made-here');
  });
});

describe('respond', () => {
  it('writes no request id header without the middleware', async () => {
    const a = new Hono().get('/', (c) => respond(c, 'x', 200, 'text/plain'));
    const res = await a.request('/');
    expect(res.headers.get('x-request-id')).toBeNull();
    expect(await res.text()).toBe('x');
  });
});
