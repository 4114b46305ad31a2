import { describeLocation } from '@tenantry/tenancy';
import type { CommandModule } from './types.js';

export interface InitData {
  readonly registry: string;
  readonly embeddedDefault: boolean;
  readonly servers: readonly { readonly name: string; readonly location: string }[];
  readonly tenants: number;
}

/** Creates or upgrades the registry schema (idempotent) and checks that every tenant server answers. */
const init: CommandModule<InitData> = {
  async run(ctx) {
    const tenancy = await ctx.tenancy();
    await tenancy.registry.migrate();
    for (const name of tenancy.connections.serverNames) await tenancy.connections.server(name).ping();
    return {
      ok: true,
      data: {
        registry: describeLocation(ctx.config.registry),
        embeddedDefault: ctx.config.embeddedDefault,
        servers: ctx.config.servers.map((s) => ({ name: s.name, location: describeLocation(s.location) })),
        tenants: await tenancy.registry.count(),
      },
    };
  },
  render(data) {
    const lines = [`registry ready: ${data.registry} (${data.tenants} tenant${data.tenants === 1 ? '' : 's'})`];
    if (data.embeddedDefault) lines.push('DATABASE_URL is not set, so the embedded SQLite registry is used (no server needed)');
    for (const s of data.servers) lines.push(`tenant server "${s.name}": ${s.location}`);
    if (data.tenants === 0) lines.push('next: tenantry create <name>');
    return lines.join('\n');
  },
};

export default init;
