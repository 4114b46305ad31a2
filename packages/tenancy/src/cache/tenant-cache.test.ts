import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { InvalidTenantNameError, RegistryUnavailableError } from '../errors.js';
import type { KyselyTenantRegistry } from '../registry/kysely-tenant-registry.js';
import { createSqliteRegistry } from '../drivers/sqlite/sqlite-registry.js';
import { type TenantCacheConfig, type TenantCacheEntry, TenantCache, confirmedTtl } from './tenant-cache.js';

const TTL = 30_000;
const NEGATIVE_TTL = 5_000;
/** How long one version read serves the entries expiring after its start, at this TTL. */
const SHARED_MS = 1_000;

describe('confirmedTtl', () => {
  const trust = { ttlMs: 1_000, maxAgeMs: 10_000 };

  it('keeps an entry whose version has not moved, for the TTL from the start of the version read', () => {
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 5_000 }, trust, 5_000)).toBe(1_000);
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 5_000 }, trust, 5_300)).toBe(700);
  });

  it('refetches when the version moved, or the registry has none', () => {
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 8, startedAt: 100 }, trust, 100)).toBeUndefined();
    expect(confirmedTtl({ version: undefined, readAt: 0 }, { version: 7, startedAt: 100 }, trust, 100)).toBeUndefined();
  });

  it('refetches a row read maxAgeMs ago or longer, however often the version confirmed it', () => {
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 9_999 }, trust, 9_999)).toBe(1_000);
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 10_000 }, trust, 10_000)).toBeUndefined();
  });

  it('never trusts an answer past the TTL from the version read, yet keeps it at least 1 ms (0 is "forever" to lru-cache)', () => {
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 100 }, trust, 1_099)).toBe(1);
    expect(confirmedTtl({ version: 7, readAt: 0 }, { version: 7, startedAt: 100 }, trust, 5_000)).toBe(1);
  });
});

/**
 * A real registry (SQLite) that counts the reads reaching it, fails on demand (`down`) and can
 * hold its answers back (`hold()`) to keep a fetch in flight.
 */
function testRegistry(inner: KyselyTenantRegistry, { versioned = true } = {}) {
  let held: { readonly gate: Promise<void>; readonly arrived: () => void } | undefined;
  const reach = async <T>(read: () => Promise<T>): Promise<T> => {
    if (registry.down) throw new RegistryUnavailableError({ cause: new Error('down for the test') });
    const answer = await read();
    if (held) {
      held.arrived();
      await held.gate;
    }
    return answer;
  };
  const registry = {
    gets: 0,
    versions: 0,
    down: false,
    /** Holds the answers read from now on until `release()`; `arrived` settles with the first. */
    hold(): { readonly arrived: Promise<void>; release(): void } {
      let release!: () => void;
      let arrived!: () => void;
      const first = new Promise<void>((resolve) => (arrived = resolve));
      held = { gate: new Promise((resolve) => (release = resolve)), arrived };
      return {
        arrived: first,
        release: () => {
          held = undefined;
          release();
        },
      };
    },
    get: (name: string) => {
      registry.gets++;
      return reach(() => inner.get(name));
    },
    ...(versioned
      ? {
          getVersioned: (name: string) => {
            registry.gets++;
            return reach(() => inner.getVersioned(name));
          },
          version: () => {
            registry.versions++;
            return reach(() => inner.version());
          },
        }
      : {}),
  };
  return registry;
}

describe('TenantCache over a SQLite registry, on a controlled clock', () => {
  let dir: string;
  let inner: KyselyTenantRegistry;
  let registry: ReturnType<typeof testRegistry>;
  let clock: number;
  const advance = (ms: number) => {
    clock += ms;
  };
  const cacheOver = (over: TenantCacheConfig['registry'], config: Partial<TenantCacheConfig> = {}) =>
    new TenantCache({ registry: over, ttlMs: TTL, negativeTtlMs: NEGATIVE_TTL, now: () => clock, ...config });

  /** The entry a lookup answers at once; fails the test if it took a promise. */
  const atOnce = (cache: TenantCache, name: string): TenantCacheEntry => {
    const answer = cache.lookup(name);
    expect(answer).not.toBeInstanceOf(Promise);
    return answer as TenantCacheEntry;
  };
  /** The entry a lookup answers through a promise; fails the test if it answered at once. */
  const viaFetch = (cache: TenantCache, name: string): Promise<TenantCacheEntry> => {
    const answer = cache.lookup(name);
    expect(answer).toBeInstanceOf(Promise);
    return answer as Promise<TenantCacheEntry>;
  };
  const addTenant = async (name: string) => {
    await inner.insert({ name, database: `db_${name}`, server: 'default' });
    await inner.setStatus(name, 'active', ['provisioning']);
  };
  const queries = () => ({ gets: registry.gets, versions: registry.versions });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-cache-'));
    inner = createSqliteRegistry({ path: join(dir, 'registry.db') });
    await inner.migrate();
    for (const name of ['acme', 'globex', 'initech', 'umbrella']) await addTenant(name);
  });
  afterAll(async () => {
    await inner?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // Not 0: lru-cache takes an entry started at 0 for one without a TTL.
    clock = 1_000_000;
    registry = testRegistry(inner);
  });

  describe('ttl', () => {
    it('answers a fresh entry at once and without a query until its TTL has passed', async () => {
      const cache = cacheOver(registry);
      const first = await viaFetch(cache, 'acme');
      expect(first.record?.name).toBe('acme');
      expect(first.readAt).toBe(clock);
      advance(TTL);
      // Found as given or by its key, the same entry.
      expect(atOnce(cache, 'acme')).toBe(first);
      expect(atOnce(cache, 'ACME')).toBe(first);
      expect(queries()).toEqual({ gets: 1, versions: 0 });
      expect(cache.stats).toMatchObject({ hits: 2, misses: 1 });
      advance(1);
      await viaFetch(cache, 'acme');
    });

    it('reads the row again after the TTL when the registry has no version', async () => {
      const plain = testRegistry(inner, { versioned: false });
      const cache = cacheOver(plain);
      const first = await viaFetch(cache, 'acme');
      expect(first.version).toBeUndefined();
      advance(TTL + 1);
      const again = await viaFetch(cache, 'acme');
      expect(again).not.toBe(first);
      expect(again.record?.name).toBe('acme');
      expect(plain.gets).toBe(2);
    });

    it('throws for an impossible name at once, without a query', () => {
      const cache = cacheOver(registry);
      for (const name of ['', 'a b', "x'; drop table tenants; --", 'admin', 'x'.repeat(64)]) {
        expect(() => cache.lookup(name)).toThrow(InvalidTenantNameError);
      }
      expect(queries()).toEqual({ gets: 0, versions: 0 });
    });

    it('holds at most `max` names', async () => {
      const cache = cacheOver(registry, { max: 3 });
      for (let i = 0; i < 10; i++) await viaFetch(cache, `made-up-${i}`);
      expect(cache.size).toBe(3);
    });
  });

  describe('negative entries', () => {
    it('remember a missing name for the negative TTL, then see a tenant created meanwhile', async () => {
      const cache = cacheOver(registry);
      expect((await viaFetch(cache, 'latecomer')).record).toBeUndefined();
      advance(NEGATIVE_TTL);
      expect(atOnce(cache, 'latecomer').record).toBeUndefined();
      expect(cache.stats.negativeHits).toBe(1);
      expect(queries()).toEqual({ gets: 1, versions: 0 });

      await addTenant('latecomer');
      try {
        // Still trusted: another process's create is seen once the short TTL has passed.
        expect(atOnce(cache, 'latecomer').record).toBeUndefined();
        advance(1);
        expect((await viaFetch(cache, 'latecomer')).record?.name).toBe('latecomer');
        // The create moved the version, so the row was read again.
        expect(queries()).toEqual({ gets: 2, versions: 1 });
      } finally {
        await inner.remove('latecomer');
      }
    });

    it('are never trusted longer than the TTL', async () => {
      const cache = cacheOver(registry, { ttlMs: 1_000, negativeTtlMs: 60_000 });
      await viaFetch(cache, 'nobody');
      advance(1_000);
      atOnce(cache, 'nobody');
      advance(1);
      await viaFetch(cache, 'nobody');
    });
  });

  describe('coalescing', () => {
    it('concurrent misses for one name make one registry query', async () => {
      const cache = cacheOver(registry);
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => cache.lookup(i % 2 ? 'globex' : 'GLOBEX')));
      expect(new Set(answers).size).toBe(1);
      expect(answers[0]?.record?.name).toBe('globex');
      expect(queries()).toEqual({ gets: 1, versions: 0 });
    });

    it('concurrent expired entries share one version read', async () => {
      const cache = cacheOver(registry);
      const names = ['acme', 'globex', 'initech', 'ghost-1', 'ghost-2'];
      for (const name of names) await viaFetch(cache, name);
      advance(TTL + 1);
      const answers = await Promise.all(names.map((name) => viaFetch(cache, name)));
      expect(answers.map((a) => a.record?.name)).toEqual(['acme', 'globex', 'initech', undefined, undefined]);
      expect(queries()).toEqual({ gets: 5, versions: 1 });
      expect(cache.stats.revalidated).toBe(5);
    });
  });

  describe('stale-if-error', () => {
    it('serves a known tenant from its expired entry while the registry is down; a name never seen is registry_unavailable', async () => {
      const cache = cacheOver(registry);
      const known = await viaFetch(cache, 'acme');
      registry.down = true;
      advance(TTL + 1);
      expect(await viaFetch(cache, 'acme')).toBe(known);
      // Kept in place: served again, and counted each time.
      expect(await viaFetch(cache, 'acme')).toBe(known);
      expect(cache.stats.staleServed).toBe(2);
      expect(cache.stats.registryErrors).toBe(2);
      // Never a false "no such tenant".
      await expect(viaFetch(cache, 'never-seen')).rejects.toBeInstanceOf(RegistryUnavailableError);
      expect(cache.size).toBe(1);

      registry.down = false;
      expect(await viaFetch(cache, 'never-seen')).toMatchObject({ record: undefined });
      expect((await viaFetch(cache, 'acme')).record?.name).toBe('acme');
      expect(atOnce(cache, 'acme').record?.name).toBe('acme');
    });
  });

  describe('version confirmation', () => {
    it('keeps an expired entry whose version has not moved, for the TTL from the version read', async () => {
      const cache = cacheOver(registry);
      const first = await viaFetch(cache, 'acme');
      advance(TTL + 1);
      expect(await viaFetch(cache, 'acme')).toBe(first);
      expect(queries()).toEqual({ gets: 1, versions: 1 });
      expect(cache.stats.revalidated).toBe(1);
      advance(TTL);
      expect(atOnce(cache, 'acme')).toBe(first);
      advance(1);
      await viaFetch(cache, 'acme');
    });

    it('an answered version read confirms, at once, the entries expiring within its window', async () => {
      const cache = cacheOver(registry);
      await viaFetch(cache, 'acme');
      advance(100);
      await viaFetch(cache, 'globex');
      await viaFetch(cache, 'nobody');
      advance(SHARED_MS - 100);
      await viaFetch(cache, 'initech');
      // acme expires first: its lookup reads the version.
      advance(TTL + 1 - SHARED_MS);
      const startedAt = clock;
      await viaFetch(cache, 'acme');
      advance(100);
      // globex and nobody expired since, within the window: kept without a promise or a query.
      expect(atOnce(cache, 'globex').record?.name).toBe('globex');
      expect(atOnce(cache, 'nobody').record).toBeUndefined();
      expect(queries()).toEqual({ gets: 4, versions: 1 });
      expect(cache.stats).toMatchObject({ revalidated: 3, misses: 7 });

      // initech expires as the window closes: it waits for a version read of its own.
      advance(startedAt + SHARED_MS - clock);
      expect((await viaFetch(cache, 'initech')).record?.name).toBe('initech');
      expect(queries()).toEqual({ gets: 4, versions: 2 });
    });

    it('reads the row again when a write moved the version', async () => {
      const cache = cacheOver(registry);
      expect((await viaFetch(cache, 'umbrella')).record?.status).toBe('active');
      await inner.setStatus('umbrella', 'suspended', ['active']);
      try {
        // Within the TTL the entry is trusted.
        expect(atOnce(cache, 'umbrella').record?.status).toBe('active');
        advance(TTL + 1);
        expect((await viaFetch(cache, 'umbrella')).record?.status).toBe('suspended');
        expect(queries()).toEqual({ gets: 2, versions: 1 });
      } finally {
        await inner.setStatus('umbrella', 'active', ['suspended']);
      }
    });

    it('reads a row again once it is ten TTLs old, without a version read', async () => {
      const cache = cacheOver(registry, { ttlMs: 1_000 });
      await viaFetch(cache, 'acme');
      for (let expiry = 1; expiry <= 9; expiry++) {
        advance(1_001);
        await viaFetch(cache, 'acme');
      }
      expect(queries()).toEqual({ gets: 1, versions: 9 });
      advance(1_001);
      await viaFetch(cache, 'acme');
      expect(queries()).toEqual({ gets: 2, versions: 9 });
    });

    it('trusts a kept entry for the TTL from the start of a slow version read, not from its answer', async () => {
      const cache = cacheOver(registry);
      const first = await viaFetch(cache, 'acme');
      advance(TTL + 1);
      // The version read starts now and answers 10 s later.
      const kept = viaFetch(cache, 'acme');
      advance(10_000);
      expect(await kept).toBe(first);
      advance(TTL - 10_000);
      atOnce(cache, 'acme');
      advance(1);
      await viaFetch(cache, 'acme');
    });
  });

  describe('invalidation', () => {
    it('drops a name, so the next lookup reads the registry', async () => {
      const cache = cacheOver(registry);
      await viaFetch(cache, 'acme');
      await viaFetch(cache, 'nobody');
      cache.invalidate('ACME');
      expect(atOnce(cache, 'nobody').record).toBeUndefined();
      await viaFetch(cache, 'acme');
      cache.clear();
      expect(cache.size).toBe(0);
      await viaFetch(cache, 'nobody');
      expect(queries()).toEqual({ gets: 4, versions: 0 });
    });

    it('a lookup in flight when its name is invalidated answers with what the registry holds after it', async () => {
      const cache = cacheOver(registry);
      const held = registry.hold();
      const inFlight = viaFetch(cache, 'newcomer');
      // The registry has answered "no such tenant", and the answer is on its way.
      await held.arrived;
      await addTenant('newcomer');
      try {
        cache.invalidate('newcomer');
        held.release();
        expect((await inFlight).record?.name).toBe('newcomer');
        expect(registry.gets).toBe(2);
      } finally {
        await inner.remove('newcomer');
      }
    });
  });
});
