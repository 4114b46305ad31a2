import type { Kysely } from 'kysely';
import type { TenancyLogger, TenantSchema } from '@tenantry/tenancy';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { tenantOf } from '../middleware/tenant.js';
import type { AppEnv } from '../types.js';
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

/** Usernames in id order, one page at a time (keyset pagination: id > last seen). */
export async function* usernamePages(db: Kysely<TenantSchema>, pageSize = USERS_PAGE_SIZE): AsyncGenerator<string[]> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'username'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    if (rows.length > 0) yield rows.map((r) => r.username);
    const last = rows[rows.length - 1];
    if (!last || rows.length < pageSize) return;
    after = Number(last.id);
  }
}

/**
 * `{"<key>": [<usernames>]}` as a byte stream, pulled page by page. The first page is read before
 * this returns, so a database that cannot be reached is still answered with a proper 503; a
 * failure after that errors the stream, which aborts the response rather than end it as if whole.
 */
export async function usersJsonStream(
  key: string,
  pages: AsyncGenerator<string[]>,
  onLateError: (error: unknown) => void,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await pages.next();
  let pending: string[] | undefined = first.done ? undefined : first.value;
  let done = first.done === true;
  let wroteAny = false;
  const chunk = (names: string[]) => {
    const text = names.map((n) => JSON.stringify(n)).join(',');
    const out = wroteAny ? `,${text}` : text;
    wroteAny = true;
    return out;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`{${JSON.stringify(key)}:[`));
    },
    async pull(controller) {
      try {
        if (pending) {
          controller.enqueue(encoder.encode(chunk(pending)));
          pending = undefined;
          return;
        }
        if (!done) {
          const next = await pages.next();
          if (!next.done) {
            controller.enqueue(encoder.encode(chunk(next.value)));
            return;
          }
          done = true;
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
  return new Hono<AppEnv>()
    .get('/users', async (c) => {
      const { db, name } = tenantOf(c);
      const requestId = c.get('requestId');
      const body = await usersJsonStream(name, usernamePages(db), (error) =>
        logger.error('streaming users failed after the response started; aborted it', {
          requestId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      return c.body(body, 200, { 'Content-Type': 'application/json; charset=UTF-8' });
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
        const { db } = tenantOf(c);
        const { username } = c.req.valid('json');
        const result = await db.insertInto('users').values({ username }).executeTakeFirstOrThrow();
        return c.json({ id: Number(result.insertId), username }, 201);
      },
    )
    .get('/users/:id', validate('param', UserId), async (c) => {
      const { db } = tenantOf(c);
      const { id } = c.req.valid('param');
      const user = await db.selectFrom('users').select(['id', 'username']).where('id', '=', id).executeTakeFirst();
      if (!user) throw new ApiError('user_not_found', `user ${id} does not exist`);
      return c.json({ id: Number(user.id), username: user.username });
    })
    .delete('/users/:id', validate('param', UserId), async (c) => {
      const { db } = tenantOf(c);
      const { id } = c.req.valid('param');
      const result = await db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new ApiError('user_not_found', `user ${id} does not exist`);
      return c.body(null, 204);
    });
}
