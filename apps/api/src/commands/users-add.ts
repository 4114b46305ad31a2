import { type ProductCommand, UsageError, assertTenantName } from '@tenantry/tenancy';
import type { TenantDatabase } from '../schema.js';

/** The `users.username` column is varchar(100). */
export const MAX_USERNAME_LENGTH = 100;

export interface UsersAddData {
  readonly tenant: string;
  readonly users: readonly { readonly id: number; readonly username: string }[];
}

/** Throws UsageError unless `username` fits the users table: 1 to 100 characters, no control characters. */
export function assertUsername(username: string): void {
  if (username.trim() === '' || [...username].length > MAX_USERNAME_LENGTH || /\p{Cc}/u.test(username)) {
    throw new UsageError(
      `invalid username ${JSON.stringify(username.slice(0, 40))}: use 1 to ${MAX_USERNAME_LENGTH} characters, no control characters`,
    );
  }
}

/** `tenantry users add <tenant> <username...>`: adds users to an active tenant's database, all or none. */
export const usersAdd: ProductCommand<TenantDatabase, UsersAddData> = {
  path: ['users', 'add'],
  summary: "add users to a tenant's database",
  arguments: [
    ['<tenant>', 'tenant name'],
    ['<username...>', 'usernames (1 to 100 characters each)'],
  ],
  async run(ctx, { args }) {
    const name = args[0] as string;
    const usernames = args[1] as string[];
    assertTenantName(name);
    for (const username of usernames) assertUsername(username);
    const tenancy = await ctx.tenancy();
    const { tenant, db } = await tenancy.tenant(name);
    const users = await db.transaction().execute(async (trx) => {
      const added: { id: number; username: string }[] = [];
      for (const username of usernames) {
        const result = await trx.insertInto('users').values({ username }).executeTakeFirstOrThrow();
        added.push({ id: Number(result.insertId), username });
      }
      return added;
    });
    return { ok: true, data: { tenant: tenant.name, users } };
  },
  render({ tenant, users }, { plural }) {
    const list = users.map((u) => `${u.username} (id ${u.id})`).join(', ');
    return `added ${plural(users.length, 'user')} to tenant "${tenant}": ${list}`;
  },
};
