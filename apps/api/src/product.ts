import { defineConfig } from '@tenantry/tenancy';
import { seedDemoCommand } from './commands/seed-demo.js';
import { usersAdd } from './commands/users-add.js';
import { seedDemo } from './demo.js';
import { TENANT_MIGRATIONS, type TenantDatabase } from './schema.js';

/**
 * The seed product, declared once: its tenant schema (the `users` table), its demo data and its
 * CLI commands. The runtimes import it from here (they are built from src/); the `tenantry` CLI
 * loads it through `tenantry.config.ts` beside package.json. Connection settings come from the
 * environment, with the core's defaults (the embedded SQLite registry under `.data/`).
 */
export default defineConfig<TenantDatabase>({
  migrations: TENANT_MIGRATIONS,
  seedDemo,
  commands: [usersAdd, seedDemoCommand],
});

export { TENANT_MIGRATIONS, type TenantDatabase } from './schema.js';
export { DEMO_TENANTS, seedDemo } from './demo.js';
