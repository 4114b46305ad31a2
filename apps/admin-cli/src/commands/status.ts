import { assertTenantName } from '@tenantry/tenancy';
import { type TenantJson, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface StatusData {
  readonly tenant: TenantJson;
}

const render = ({ tenant }: StatusData) => `tenant "${tenant.name}" is ${tenant.status}`;

/** Stops serving a tenant; the API answers 403 for it. Suspending a suspended tenant is a no-op. */
export const suspend: CommandModule<StatusData> = {
  async run(ctx, { args }) {
    const name = args[0] as string;
    assertTenantName(name);
    const { provisioner } = await ctx.tenancy();
    return { ok: true, data: { tenant: tenantJson(await provisioner.suspend(name)) } };
  },
  render,
};

/** Serves a suspended tenant again. Resuming an active tenant is a no-op. */
export const resume: CommandModule<StatusData> = {
  async run(ctx, { args }) {
    const name = args[0] as string;
    assertTenantName(name);
    const { provisioner } = await ctx.tenancy();
    return { ok: true, data: { tenant: tenantJson(await provisioner.resume(name)) } };
  },
  render,
};
