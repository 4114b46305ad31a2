/** The little the core needs to log; the API passes its structured logger, tests a silent one. */
export interface TenancyLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON line per event on stderr. */
export const consoleLogger: TenancyLogger = {
  info: (message, fields) => console.error(JSON.stringify({ level: 'info', msg: message, ...fields })),
  warn: (message, fields) => console.error(JSON.stringify({ level: 'warn', msg: message, ...fields })),
  error: (message, fields) => console.error(JSON.stringify({ level: 'error', msg: message, ...fields })),
};

export const silentLogger: TenancyLogger = { info() {}, warn() {}, error() {} };

/** A cause as a short string for a log line: its code and message, never a URL with a password. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `: ${describeError(error.cause)}` : '';
  return `${typeof code === 'string' ? `${code} ` : ''}${error.message}${cause}`;
}
