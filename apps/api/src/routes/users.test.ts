import { describe, expect, it } from 'vitest';
import { usersJsonBody } from './users.js';

async function* pagesOf(pages: string[][], failAt?: number): AsyncGenerator<string[]> {
  for (let i = 0; i < pages.length; i++) {
    if (i === failAt) throw new Error('connection lost');
    yield pages[i] ?? [];
  }
}

describe('usersJsonBody', () => {
  it('writes the original shape across pages, escaping names', async () => {
    const stream = await usersJsonBody('Tenant"A', pagesOf([['a', 'b'], ['c"\\'], ['ü']]), () => {});
    const text = await new Response(stream).text();
    expect(text).toBe('{"Tenant\\"A":["a","b","c\\"\\\\","ü"]}');
    expect(JSON.parse(text)).toEqual({ 'Tenant"A': ['a', 'b', 'c"\\', 'ü'] });
  });

  it('writes one page as JSON.stringify does, escapes and all', async () => {
    const names = ['plain', 'a"b', 'c\\d', 'x\ud800y', 'pair 😀', '日本', 'tab\tnew\nline', ''];
    for (const key of ['TenantA', 'T"\\']) {
      expect(await usersJsonBody(key, pagesOf([names]), () => {})).toBe(JSON.stringify({ [key]: names }));
    }
  });

  it('writes an empty list for a tenant without users', async () => {
    expect(await new Response(await usersJsonBody('T', pagesOf([]), () => {})).text()).toBe('{"T":[]}');
  });

  it('answers a tenant whose users fit in one page with a plain string', async () => {
    expect(await usersJsonBody('TenantA', pagesOf([['userA', 'userB']]), () => {})).toBe('{"TenantA":["userA","userB"]}');
  });

  it('throws before any byte when the first or second page fails (so the error handler can answer)', async () => {
    await expect(usersJsonBody('T', pagesOf([['a']], 0), () => {})).rejects.toThrow('connection lost');
    await expect(usersJsonBody('T', pagesOf([['a'], ['b']], 1), () => {})).rejects.toThrow('connection lost');
  });

  it('errors the stream, not a complete-looking body, when a later page fails', async () => {
    const late: unknown[] = [];
    const stream = await usersJsonBody('T', pagesOf([['a'], ['b'], ['c']], 2), (e) => late.push(e));
    expect(stream).toBeInstanceOf(ReadableStream);
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
    const body = await usersJsonBody('T', counted(), () => {});
    if (typeof body === 'string') throw new Error('expected a stream for five pages');
    const reader = body.getReader();
    await reader.read();
    expect(read).toBeLessThanOrEqual(2);
    await reader.cancel();
  });
});
