import type { TenancyLogger } from '@tenantry/tenancy';
import { jsonString } from './json.js';

/** The fields of a request's log line, in the line's order. */
export interface RequestLine {
  readonly requestId: string;
  readonly method: string;
  /** The route pattern that answered, or `unmatched`. */
  readonly route: string;
  readonly path: string;
  /** The tenant's name, when the request named one. */
  readonly tenant: string | undefined;
  readonly status: number;
  readonly durationMs: number;
}

/**
 * The app's logger: the core's, and optionally a writer for the line of every request. Without
 * one, that line is `info('request', line)`; with one, it must write the same.
 */
export interface AppLogger extends TenancyLogger {
  request?(line: RequestLine): void;
}

/**
 * A logger writing one JSON object a line through `write` (stdout on Node, console on Workers):
 * `{"time":"<ISO 8601>","level":"info","msg":"...", ...fields}`. `now` is the clock in ms.
 *
 * Every request writes a line, so the line is put together from parts: the time's text reused
 * within its second, the level's text made once, and the fields written by one `JSON.stringify`
 * of the caller's object, spliced in after `msg`. JSON.stringify of a spread copy with
 * `Date#toISOString` took about 3.5 µs a line. Writing each field by hand, with a scan of every
 * string for characters to escape, cost as many instructions in the server as the splice, and
 * twice as many in a loop of log lines alone; the splice is the simpler of the two. (Tried
 * again on 2026-11-26, counted in the server: a switch on each value's type with the parts
 * concatenated cost 14.9k instructions a line against the splice's 12.5k, most of it in 63
 * string concatenations; the same parts joined by Array#join 15.6k against 12.7k, the join
 * flattening every part, and String() of a fractional number costing twice JSON's.)
 * The line is what JSON.stringify of the spread record writes (its keys in the same order,
 * but for integer-like keys); a field named `time`, `level` or `msg` replaces the fixed one, as
 * in the spread, and such lines go through the spread, as do records with a toJSON method
 * (which is not called: a line is always an object of its fields).
 */
export function createJsonLogger(write: (line: string) => void, now: () => number = Date.now): AppLogger & Required<Pick<AppLogger, 'request'>> {
  const time = isoClock(now);
  const log = (level: string) => {
    const head = `,"level":${JSON.stringify(level)},"msg":`;
    return (msg: string, fields?: Record<string, unknown>) => {
      if (fields !== undefined && !splicable(fields)) {
        // A toJSON of the record's own is not called: the line stays an object of its fields.
        write(JSON.stringify({ time: time(), level, msg, ...fields, toJSON: undefined }));
        return;
      }
      const body = fields === undefined ? '{}' : JSON.stringify(fields);
      // `{"a":1,"b":2}` goes in as `,"a":1,"b":2`; `{}` (no field JSON would write) as nothing.
      const rest = body.length === 2 ? '' : `,${body.slice(1, -1)}`;
      write(`{"time":"${time()}"${head}${jsonString(msg)}${rest}}`);
    };
  };
  return {
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    // One template with the keys written in, where the spliced line's JSON.stringify wrote every
    // key again and escaped every string through a generic writer (12.7k instructions a line):
    // 3.1k fewer instructions a request in the server (160.4k against 163.5k, one run).
    request: (r) =>
      write(
        `{"time":"${time()}","level":"info","msg":"request","requestId":${jsonString(r.requestId)},"method":${jsonString(r.method)},"route":${jsonString(r.route)},"path":${jsonString(r.path)}${r.tenant === undefined ? '' : `,"tenant":${jsonString(r.tenant)}`},"status":${jsonNumber(r.status)},"durationMs":${jsonNumber(r.durationMs)}}`,
      ),
  };
}

/** A number as JSON writes it (`null` when not finite). */
const jsonNumber = (n: number) => (Number.isFinite(n) ? `${n}` : 'null');

/** Whether JSON.stringify(fields) writes the fields as the spread record would: no fixed key's name, no toJSON. */
function splicable(fields: Record<string, unknown>): boolean {
  return !Object.hasOwn(fields, 'time') && !Object.hasOwn(fields, 'level') && !Object.hasOwn(fields, 'msg') && typeof fields.toJSON !== 'function';
}

/**
 * `Date#toISOString` of the clock's time, with the part up to the second reused while the
 * second lasts: toISOString alone was over a microsecond a line.
 */
function isoClock(now: () => number): () => string {
  let second = Number.NaN;
  let prefix = '';
  return () => {
    const ms = Math.floor(now());
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      // "2026-11-26T11:52:03." (years past 9999 are longer, so cut from the end).
      prefix = new Date(s * 1000).toISOString().slice(0, -4);
    }
    const rest = ms - s * 1000;
    return `${prefix}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
  };
}
