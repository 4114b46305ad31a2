import type { Context, MiddlewareHandler } from 'hono';
import type { RequestIdEnv } from './types.js';

/** The header a request id comes in and goes out in. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
/** The name looked up, already lower case: the lookup lower-cases it otherwise, a new string each request. */
const REQUEST_ID_LOOKUP = REQUEST_ID_HEADER.toLowerCase();
/** Characters of a well-formed request id (as hono/request-id decides). */
const REQUEST_ID_CHARS = /^[\w\-=]+$/;

/** Marks a response built by {@link respond}, which carries the request id already. */
const STAMPED = Symbol('tenantry.requestIdSet');
type Stamped = Response & { [STAMPED]?: true };

/** Options of {@link requestId}. */
export interface RequestIdOptions {
  /** Longest incoming id kept; 255 by default. */
  readonly limitLength?: number;
  /** Makes an id when the request brings none (or a malformed one); `crypto.randomUUID` by default. */
  readonly generator?: (c: Context) => string;
}

/**
 * The request's id on `c.var.requestId`: a well-formed incoming `X-Request-Id` is kept, another
 * is generated. Every answer carries it back in `X-Request-Id`, errors and 404s too.
 * Not hono/request-id: that one sets the header through the context before the handler runs,
 * which builds a Headers object on every request and misses a Response a handler builds itself.
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<RequestIdEnv> {
  const limitLength = options.limitLength ?? 255;
  const generator = options.generator ?? (() => crypto.randomUUID());
  return async function requestId(c, next) {
    const incoming = c.req.header(REQUEST_ID_LOOKUP);
    const id =
      incoming !== undefined && incoming.length <= limitLength && REQUEST_ID_CHARS.test(incoming) ? incoming : generator(c);
    c.set('requestId', id);
    await next();
    if (!(c.res as Stamped)[STAMPED]) c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}

/**
 * A Response whose headers are a plain record already holding the request id (under
 * {@link requestId}): the cheapest path through @hono/node-server, with no Headers object built,
 * validated or sorted. For hot routes; `c.json()` and friends are fine everywhere else.
 */
export function respond(c: Context, body: string | ReadableStream<Uint8Array> | null, status: number, contentType: string): Response {
  const id: string | undefined = c.get('requestId');
  if (id === undefined) return new Response(body, { status, headers: { 'Content-Type': contentType } });
  const res: Stamped = new Response(body, { status, headers: { 'Content-Type': contentType, [REQUEST_ID_HEADER]: id } });
  // A property, not a WeakSet: adding to a weak collection costs a slow write barrier per request.
  res[STAMPED] = true;
  return res;
}
