import type { TenancyLogger } from '@tenantry/tenancy';

/**
 * A logger writing one JSON object a line through `write` (stdout on Node, console on Workers):
 * `{"time":"<ISO 8601>","level":"info","msg":"...", ...fields}`. `now` is the clock in ms.
 *
 * Every request writes a line, so the line is built by hand: `JSON.stringify` of a spread object
 * and `Date#toISOString` took about 3.5 µs a line, this takes about 1. Values are written as
 * JSON.stringify writes them (strings needing no escape directly, anything else through it);
 * a field named `time`, `level` or `msg` replaces the fixed one, as a spread would.
 */
export function createJsonLogger(write: (line: string) => void, now: () => number = Date.now): TenancyLogger {
  const time = isoClock(now);
  const log = (level: string) => {
    const head = `,"level":${JSON.stringify(level)},"msg":`;
    return (msg: string, fields?: Record<string, unknown>) => {
      const rest = fields === undefined ? '' : jsonFields(fields);
      write(rest === undefined ? JSON.stringify({ time: time(), level, msg, ...fields }) : `{"time":"${time()}"${head}${jsonString(msg)}${rest}}`);
    };
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/**
 * Whether JSON.stringify would write `text` other than as `"${text}"`: control characters, `"`,
 * `\\`, and surrogates (it escapes lone ones). A loop, not a regular expression: the line's
 * strings are short, and a RegExp test per value and key was about 5% of a request's instructions.
 */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

function jsonString(text: string): string {
  return needsEscape(text) ? JSON.stringify(text) : `"${text}"`;
}

/** `,"<key>":` by field name. Names come from code, so they are few; the map stops growing at a thousand. */
const KEY_PREFIXES = new Map<string, string>();
function keyPrefix(key: string): string {
  let prefix = KEY_PREFIXES.get(key);
  if (prefix === undefined) {
    prefix = `,${jsonString(key)}:`;
    if (KEY_PREFIXES.size < 1000) KEY_PREFIXES.set(key, prefix);
  }
  return prefix;
}

/** `,"key":value` for each field JSON.stringify would write; undefined when a field takes a fixed key's name. */
function jsonFields(fields: Record<string, unknown>): string | undefined {
  let out = '';
  // Own enumerable keys in JSON.stringify's order; no Object.hasOwn call a key, as for-in needed.
  const keys = Object.keys(fields);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === 'time' || key === 'level' || key === 'msg') return undefined;
    const value = fields[key];
    let json: string | undefined;
    switch (typeof value) {
      case 'string':
        json = jsonString(value);
        break;
      case 'number':
        json = Number.isFinite(value) ? String(value) : 'null';
        break;
      case 'boolean':
        json = value ? 'true' : 'false';
        break;
      case 'undefined':
      case 'function':
      case 'symbol':
        continue;
      default:
        json = JSON.stringify(value);
    }
    // An object whose toJSON gives undefined is left out, as JSON.stringify leaves it.
    if (json !== undefined) out += keyPrefix(key) + json;
  }
  return out;
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
