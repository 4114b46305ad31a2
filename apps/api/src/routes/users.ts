import { CompiledQuery, type Expression, type Kysely, createQueryId, sql } from 'kysely';
import { respond } from '@tenantry/hono';
import type { TenancyLogger, TenantHandle } from '@tenantry/tenancy';
import { Hono, type TypedResponse } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { jsonString, jsonStrings } from '../json.js';
import type { TenantDatabase } from '../schema.js';
import type { TenantEnv } from '../types.js';
import { validate } from './validation.js';

/** Rows read per query by `GET /users`: memory stays bounded whatever the tenant's size. */
export const USERS_PAGE_SIZE = 1000;
/** Request bodies larger than this are refused (413) before they are parsed. */
export const MAX_BODY_BYTES = 16 * 1024;

const NewUser = z.object({
  username: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
});
const UserId = z.object({
  // Up to 15 digits stays a safe JavaScript integer.
  id: z.string().regex(/^[1-9][0-9]{0,14}$/, 'must be a positive integer').transform(Number),
});

type UserRow = { id: number; username: string };

/**
 * The first page's query, compiled once per tenant database with its values written in (no
 * parameters: the MySQL driver sends it as it is, without a scan for placeholders). Building and
 * compiling the same SELECT on every request was a few percent of the CPU under load, and so
 * were the four frozen objects of `CompiledQuery.raw`; a request now adds only a query id.
 * Keyed by the database's Kysely instance, which the core keeps one of per tenant database: the
 * entry lives as long as the instance, and finding it hashes no string (an LRU keyed by
 * "server/database" cost a string, its hash and the LRU's bookkeeping a request).
 */
const firstPageQueries = new WeakMap<Kysely<TenantDatabase>, CompiledQuery<UserRow>>();

/**
 * The page SELECT: users in id order, at most `size` of them, after the id `after` when given.
 * The first page has no condition at all, not `id > 0`: it lists every user, ids of 0 and below
 * too (an adopted database may hold them), and a range condition makes MariaDB run its range
 * optimizer on every query: 128 against 92 µs of MariaDB's CPU a query over 10,000 tenant
 * databases (`pnpm --filter @tenantry/bench bench:page-query`, tuned settings, one run).
 */
function pageSelect(db: Kysely<TenantDatabase>, after: Expression<number> | undefined, size: Expression<number>) {
  const users = db.selectFrom('users').select(['id', 'username']);
  return (after === undefined ? users : users.where('id', '>', after)).orderBy('id').limit(size);
}

/** The query of the page after `after` (undefined: the first page). */
function pageQuery(db: Kysely<TenantDatabase>, after: number | undefined, pageSize: number): CompiledQuery<UserRow> {
  // Later pages (tenants with more users than a page) are rare: compiled each time, with parameters.
  if (after !== undefined || pageSize !== USERS_PAGE_SIZE) {
    return pageSelect(db, after === undefined ? undefined : sql.val(after), sql.val(pageSize)).compile() as CompiledQuery<UserRow>;
  }
  let compiled = firstPageQueries.get(db);
  if (compiled === undefined) {
    compiled = CompiledQuery.raw(pageSelect(db, undefined, sql.lit(USERS_PAGE_SIZE)).compile().sql) as CompiledQuery<UserRow>;
    firstPageQueries.set(db, compiled);
  }
  return { sql: compiled.sql, query: compiled.query, parameters: compiled.parameters, queryId: createQueryId() };
}

/** One page of users in id order, after the id `after` (keyset pagination; undefined: the first page). */
async function readPage({ db }: Pick<TenantHandle<TenantDatabase>, 'db'>, after: number | undefined, pageSize: number): Promise<UserRow[]> {
  const { rows } = await db.executeQuery(pageQuery(db, after, pageSize));
  return rows;
}

/**
 * Usernames in id order, one page at a time (keyset pagination: id > last seen). `first`, when
 * given, is the first page already read; reading goes on after its last id.
 */
export async function* usernamePages(
  handle: Pick<TenantHandle<TenantDatabase>, 'db'>,
  pageSize = USERS_PAGE_SIZE,
  first?: UserRow[],
): AsyncGenerator<string[]> {
  let rows = first ?? (await readPage(handle, undefined, pageSize));
  for (;;) {
    if (rows.length > 0) yield rows.map((r) => r.username);
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    rows = await readPage(handle, Number(last.id), pageSize);
  }
}

/** The body of `GET /users`: the usernames under the tenant's name as the request gave it. */
export type UsersList = { [tenant: string]: string[] };

/** `{"<key>": [<usernames>]}` as one string. */
const usersJson = (key: string, names: readonly string[]) => `{${jsonString(key)}:[${jsonStrings(names)}]}`;

/**
 * The body of `GET /users` from its pages: `{"<key>": [<usernames>]}`. Users that fit in one
 * page make a plain string; more are a byte stream pulled page by page, so memory stays bounded
 * whatever the tenant's size. (The route calls this only when the first page was full.)
 * The first two pages are read before this returns, so a database that cannot be reached is
 * still answered with a proper 503; a failure after that errors the stream, which aborts the
 * response rather than end it as if whole.
 */
export async function usersJsonBody(
  key: string,
  pages: AsyncGenerator<string[]>,
  onLateError: (error: unknown) => void,
): Promise<string | ReadableStream<Uint8Array>> {
  const first = await pages.next();
  if (first.done) return usersJson(key, []);
  const second = await pages.next();
  if (second.done) return usersJson(key, first.value);

  const encoder = new TextEncoder();
  const ready: string[][] = [first.value, second.value];
  let separator = '';
  const chunk = (names: string[]) => {
    const text = separator + jsonStrings(names);
    separator = ',';
    return encoder.encode(text);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`{${jsonString(key)}:[`));
    },
    async pull(controller) {
      try {
        const page = ready.shift() ?? (await pages.next()).value;
        if (page) {
          controller.enqueue(chunk(page));
          return;
        }
        controller.enqueue(encoder.encode(']}'));
        controller.close();
      } catch (error) {
        onLateError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}

/** The tenant's users; mounted under the tenant middleware, whatever identifies the tenant. */
export function usersRoutes(logger: TenancyLogger) {
  return new Hono<TenantEnv>()
    .get('/users', async (c) => {
      const db = c.get('db');
      const name = c.get('tenantName');
      // The first page is read here: when it is the only one (nearly every tenant) the answer is
      // a plain string, with no generator or stream, and no async function between this and the
      // query.
      const first = (await db.executeQuery(pageQuery(db, undefined, USERS_PAGE_SIZE))).rows;
      const body =
        first.length < USERS_PAGE_SIZE
          ? usersJson(name, first.map((r) => r.username))
          : await usersJsonBody(name, usernamePages({ db }, USERS_PAGE_SIZE, first), (error) =>
              logger.error('streaming users failed after the response started; aborted it', {
                requestId: c.get('requestId'),
                error: error instanceof Error ? error.message : String(error),
              }),
            );
      // Written by hand (see usersJson); typed as c.json would type it, for hono/client.
      return respond(c, body, 200, 'application/json; charset=UTF-8') as Response & TypedResponse<UsersList, 200, 'json'>;
    })
    .post(
      '/users',
      bodyLimit({
        maxSize: MAX_BODY_BYTES,
        onError: () => {
          throw new ApiError('payload_too_large', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
        },
      }),
      validate('json', NewUser),
      async (c) => {
        const db = c.get('db');
        const { username } = c.req.valid('json');
        const result = await db.insertInto('users').values({ username }).executeTakeFirstOrThrow();
        return c.json({ id: Number(result.insertId), username }, 201);
      },
    )
    .get('/users/:id', validate('param', UserId), async (c) => {
      const db = c.get('db');
      const { id } = c.req.valid('param');
      const user = await db.selectFrom('users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
      if (!user) throw new ApiError('user_not_found', `user ${id} does not exist`);
      return c.json({ id: Number(user.id), username: user.username });
    })
    .delete('/users/:id', validate('param', UserId), async (c) => {
      const db = c.get('db');
      const { id } = c.req.valid('param');
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new ApiError('user_not_found', `user ${id} does not exist`);
      return c.body(null, 204);
    });
}
