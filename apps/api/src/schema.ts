import type { Generated, Migration } from 'kysely';
import * as users from './migrations/0001_users.js';

/** A tenant database of this product, as its migrations make it. */
export interface TenantDatabase {
  users: {
    id: Generated<number>;
    username: string;
  };
}

/**
 * The tenant migrations, by name, applied in name order. Append only: a released migration
 * never changes; a new one gets the next number, a file in migrations/ and a line here, and
 * TenantDatabase above says what it adds.
 */
export const TENANT_MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_users': users,
});
