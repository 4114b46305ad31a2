import { CommanderError } from 'commander';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE;

/**
 * Error codes that mean the invocation (its arguments, its environment or its config file) is
 * wrong, not the work: the core's UsageError (`usage`, which product commands throw too), an
 * impossible tenant name, a bad configuration, and `database_in_use`: a database no tenant may
 * have (the registry's, another tenant's).
 */
const USAGE_ERROR_CODES: ReadonlySet<string> = new Set(['usage', 'invalid_tenant_name', 'invalid_config', 'database_in_use']);

/** 0 success, 1 the work failed, 2 usage error. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  // By code rather than instanceof TenancyError: the core is loaded only once a command runs.
  if (USAGE_ERROR_CODES.has(errorCode(error))) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** `code` of an error (core or driver), or `error`. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'error';
}

/** One line: the message and the messages of its causes. */
export function errorLine(error: unknown): string {
  if (needsInit(error)) return 'the registry has no tenants table yet: run `tenantry init` first';
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (!(e instanceof Error)) {
      parts.push(String(e));
      break;
    }
    const code = (e as { code?: unknown }).code;
    // Driver errors say little without their code (ER_BAD_DB_ERROR, SQLITE_CANTOPEN); core messages carry their own.
    const known = parts.join(' ');
    const prefix = depth > 0 && typeof code === 'string' && !e.message.includes(code) && !known.includes(code) ? `${code} ` : '';
    const message = `${prefix}${e.message}`.replace(/\s+/g, ' ').trim();
    if (message && !known.includes(message)) parts.push(message);
    e = e.cause;
  }
  return parts.join(': ');
}

/** The registry answered, but its database or tables are not there yet. */
function needsInit(error: unknown): boolean {
  if (errorCode(error) !== 'registry_unavailable') return false;
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && /no such table: tenants|Table '[^']*\.tenants' doesn't exist|Unknown database/.test(message)) {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Stack traces of an error and its causes, for `--verbose`. */
export function errorStack(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    lines.push(depth === 0 ? String((e as Error).stack ?? e) : `caused by: ${String((e as Error).stack ?? e)}`);
    e = (e as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}
