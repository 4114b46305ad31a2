import type { TenancyLogger } from '@tenantry/tenancy';

/** A logger writing one JSON object a line through `write` (stdout on Node, console on Workers). */
export function createJsonLogger(write: (line: string) => void, now: () => Date = () => new Date()): TenancyLogger {
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ time: now().toISOString(), level, msg, ...fields }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}
