import { describe, expect, it } from 'vitest';
import { createJsonLogger } from './logger.js';

/** A logger on a clock the test moves, and the lines it wrote. */
function capture(start = Date.UTC(2026, 10, 26, 11, 52, 3, 7)) {
  const lines: string[] = [];
  const clock = { ms: start };
  const logger = createJsonLogger((line) => lines.push(line), () => clock.ms);
  return { lines, clock, logger };
}

/** What the logger wrote before it built lines by hand. */
const reference = (ms: number, level: string, msg: string, fields?: Record<string, unknown>) =>
  JSON.stringify({ time: new Date(ms).toISOString(), level, msg, ...fields });

describe('createJsonLogger', () => {
  it('writes the same JSON as JSON.stringify of the spread record, byte for byte for flat fields', () => {
    const { lines, clock, logger } = capture();
    const flat: Record<string, unknown>[] = [
      {},
      { requestId: 'b3c1', method: 'GET', route: '/:tenant/users', path: '/TenantA/users', tenant: 'TenantA', status: 200, durationMs: 1.25 },
      { text: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f' },
      // Each character class alone, in a value and in a key: one escape must not hide another's.
      { quote: 'a"b', backslash: 'a\\b', control: 'a\u0001b', unit: 'a\u001fb', lone: 'a\udfffb', space: 'a b ~ \u007f' },
      { 'a"b': 1, 'a\\b': 2, 'a\u0001b': 3, 'a\udfffb': 4 },
      { text: 'é ü 日本 😀 and a lone \ud800 surrogate', 'key "quoted"\n': 1 },
      { n: 0, negZero: -0, big: 1e21, small: 5e-7, nan: Number.NaN, inf: Number.POSITIVE_INFINITY, ninf: -Infinity },
      { yes: true, no: false, nothing: null, missing: undefined, fn: () => 1, sym: Symbol('s') },
    ];
    for (const fields of flat) {
      logger.warn('request done', fields);
      expect(lines.at(-1)).toBe(reference(clock.ms, 'warn', 'request done', fields));
    }
    logger.error('no fields');
    expect(lines.at(-1)).toBe(reference(clock.ms, 'error', 'no fields'));
    logger.info('message with "quotes"\n');
    expect(lines.at(-1)).toBe(reference(clock.ms, 'info', 'message with "quotes"\n'));
  });

  it('writes a request line as info("request", line) would, byte for byte', () => {
    const { lines, clock, logger } = capture();
    const base = { requestId: '0b6c2a0e-3c1f-4c8e-9a51-5f0c2b7d9e11', method: 'GET', route: '/:tenant/users', path: '/TenantA/users', tenant: 'TenantA', status: 200, durationMs: 2.81 };
    const cases = [
      base,
      { ...base, tenant: undefined, route: 'unmatched', path: '/nowhere', status: 404, durationMs: 0 },
      { ...base, durationMs: 12 },
      { ...base, durationMs: 0.05, status: 503 },
      { ...base, durationMs: 1e21 },
      { ...base, durationMs: Number.NaN },
      { ...base, durationMs: -0 },
      // The path and the tenant are the request's own: every escape class, alone.
      { ...base, path: '/a"b/users', tenant: 'a"b' },
      { ...base, path: '/a\\b/users', tenant: 'a\\b' },
      { ...base, path: '/a\u0001b\n/users', tenant: 'a\u001fb' },
      { ...base, path: '/a\udfffb/users', tenant: 'pair 😀 é' },
      { ...base, requestId: 'caller-given_id=1', method: 'DELETE' },
    ];
    for (const line of cases) {
      logger.request(line);
      expect(lines.at(-1)).toBe(reference(clock.ms, 'info', 'request', line));
      clock.ms += 1234;
    }
  });

  it('writes nested values, toJSON results and overriding fields as JSON.stringify does', () => {
    const { lines, clock, logger } = capture();
    const inherited = Object.create({ fromProto: 'not own' }) as Record<string, unknown>;
    inherited.own = 'kept';
    const cases: Record<string, unknown>[] = [
      { nested: { a: [1, 'two', { three: null }] }, list: ['x', 'y'] },
      { when: new Date(0), gone: { toJSON: () => undefined } },
      inherited,
      // A field named like a fixed key replaces it, as in `{ time, level, msg, ...fields }`.
      { msg: 'replaced message', level: 'custom', extra: 1 },
      { time: 'a time of its own' },
      { onlyUndefined: undefined },
      // Even undefined, a fixed key's field takes the fixed one out, as the spread does.
      { extra: 'x', level: undefined },
    ];
    for (const fields of cases) {
      logger.info('request', fields);
      const line = lines.at(-1)!;
      expect(JSON.parse(line)).toEqual(JSON.parse(reference(clock.ms, 'info', 'request', fields)));
      expect(line).not.toContain('fromProto');
    }
    expect(JSON.parse(lines[3]!)).toMatchObject({ msg: 'replaced message', level: 'custom', extra: 1 });
    expect(JSON.parse(lines[4]!).time).toBe('a time of its own');
    expect(lines[5]).toBe(reference(clock.ms, 'info', 'request', {}));
    expect(lines[6]).toBe(reference(clock.ms, 'info', 'request', { extra: 'x', level: undefined }));
    expect(JSON.parse(lines[6]!)).not.toHaveProperty('level');
    // A record with a toJSON (its own or inherited) is still written field by field.
    const withToJson = { a: 1, toJSON: () => 'replaced' };
    logger.info('request', withToJson);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ time: new Date(clock.ms).toISOString(), level: 'info', msg: 'request', a: 1 });
    class Fields {
      b = 'two';
      toJSON() {
        return 'replaced';
      }
    }
    logger.info('request', new Fields() as unknown as Record<string, unknown>);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ time: new Date(clock.ms).toISOString(), level: 'info', msg: 'request', b: 'two' });
  });

  it('writes the time as toISOString does, across seconds, backwards and for far years', () => {
    const { lines, clock, logger } = capture();
    const base = Date.UTC(2026, 10, 26, 23, 59, 58, 0);
    const times = [base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 1999, base + 2000, base + 5, 0, 999, 1000, Date.UTC(10000, 0, 1, 0, 0, 0, 42)];
    for (const ms of times) {
      clock.ms = ms;
      logger.info('tick');
      expect(JSON.parse(lines.at(-1)!).time).toBe(new Date(ms).toISOString());
    }
  });

  it('still refuses what JSON cannot write', () => {
    const { lines, logger } = capture();
    expect(() => logger.info('request', { count: 1n })).toThrow(TypeError);
    expect(lines).toEqual([]);
  });
});
