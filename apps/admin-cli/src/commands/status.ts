import { assertTenantName } from '@tenantry/tenancy';
import { type TenantJson, tenantJson } from '../format.js';
import type { CommandModule } from './types.js';

export interface StatusData {
  readonly tenant: TenantJson;
}

const render = ({ tenant }: StatusData) => `tenant "${tenant.name}" is ${tenant.status}`;

/** A command that moves one tenant between active and suspended; doing it twice is a no-op. */
function statusCommand(change: 'suspend' | 'resume'): CommandModule<StatusData> {
  return {
    async run(ctx, { args }) {
      const name = args[0] as string;
      assertTenantName(name);
      const { provisioner } = await ctx.tenancy();
      return { ok: true, data: { tenant: tenantJson(await provisioner[change](name)) } };
    },
    render,
  };
}

/** Stops serving a tenant; the API answers 403 for it. */
export const suspend = statusCommand('suspend');
/** Serves a suspended tenant again. */
export const resume = statusCommand('resume');
