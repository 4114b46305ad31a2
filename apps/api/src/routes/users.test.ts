import { describe, expect, it } from 'vitest';
import { usersJsonStream } from './users.js';

async function* pagesOf(pages: string[][], failAt?: number): AsyncGenerator<string[]> {
  for (let i = 0; i < pages.length; i++) {
    if (i === failAt) throw new Error('connection lost');
    yield pages[i] ?? [];
  }
}

describe('usersJsonStream', () => {
  it('writes the original shape across pages, escaping names', async () => {
    const stream = await usersJsonStream('Tenant"A', pagesOf([['a', 'b'], ['c"\\'], ['ü']]), () => {});
    const text = await new Response(stream).text();
    expect(text).toBe('{"Tenant\\"A":["a","b","c\\"\\\\","ü"]}');
    expect(JSON.parse(text)).toEqual({ 'Tenant"A': ['a', 'b', 'c"\\', 'ü'] });
  });

  it('writes an empty list for a tenant without users', async () => {
    expect(await new Response(await usersJsonStream('T', pagesOf([]), () => {})).text()).toBe('{"T":[]}');
  });

  it('throws before any byte when the first page fails (so the error handler can answer)', async () => {
    await expect(usersJsonStream('T', pagesOf([['a']], 0), () => {})).rejects.toThrow('connection lost');
  });

  it('errors the stream, not a complete-looking body, when a later page fails', async () => {
    const late: unknown[] = [];
    const stream = await usersJsonStream('T', pagesOf([['a'], ['b']], 1), (e) => late.push(e));
    await expect(new Response(stream).text()).rejects.toThrow('connection lost');
    expect(late).toHaveLength(1);
  });

  it('reads the next page only when the reader asks for it', async () => {
    let read = 0;
    async function* counted() {
      for (let i = 0; i < 5; i++) {
        read++;
        yield [`u${i}`];
      }
    }
    const reader = (await usersJsonStream('T', counted(), () => {})).getReader();
    await reader.read();
    expect(read).toBeLessThanOrEqual(2);
    await reader.cancel();
  });
});
