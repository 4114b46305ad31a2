import { LRUCache } from 'lru-cache';
import { tenantKey, validTenantKey } from '../names.js';
import { type TenancyLogger, describeError, silentLogger } from '../logger.js';
import type { TenantRecord, TenantRegistry } from '../registry/types.js';

export const DEFAULT_CACHE_MAX = 100_000;
export const DEFAULT_NEGATIVE_TTL_MS = 5_000;

/** An expired entry is confirmed by the registry version at most this many TTLs after its row was read. */
export const MAX_CONFIRMED_AGE_TTLS = 10;

export interface TenantCacheConfig {
  readonly registry: Pick<TenantRegistry, 'get' | 'getVersioned' | 'version'>;
  /** How long a registry answer is trusted. */
  readonly ttlMs: number;
  /** How long "no such tenant" is trusted; shorter, so a new tenant shows up soon. */
  readonly negativeTtlMs?: number;
  /** Most names held, found and missing together. */
  readonly max?: number;
  readonly logger?: TenancyLogger;
  /** The clock in milliseconds, for lru-cache's TTLs too: `performance.now()` unless a test turns it by hand. */
  readonly now?: () => number;
}

export interface TenantCacheStats {
  hits: number;
  negativeHits: number;
  misses: number;
  /** Answers served from an expired entry because the registry failed. */
  staleServed: number;
  registryErrors: number;
  /** Expired entries confirmed by an unchanged registry version, without reading their row. */
  revalidated: number;
}

/**
 * A registry answer: the tenant's row (undefined for a name the registry does not have), the
 * registry version it was read at (undefined for a registry without versions), and when it was
 * read, on the cache's clock.
 */
export interface TenantCacheEntry {
  readonly record: TenantRecord | undefined;
  readonly version: number | undefined;
  readonly readAt: number;
}

/** A read of the registry's version: its answer, and when the read started on the cache's clock. */
export interface VersionRead {
  readonly version: number;
  readonly startedAt: number;
}

/** How long an entry of one kind (a tenant, or "no such tenant") is trusted. */
export interface EntryTrust {
  /** From the registry read behind the entry. */
  readonly ttlMs: number;
  /** From the read of its row, however many version reads confirmed it: a hand edit of the tenants table bumps no version. */
  readonly maxAgeMs: number;
}

/**
 * Keep or refetch: the TTL an expired entry is kept for on a registry version read, or undefined
 * when its row must be read again. Kept only when its row was read at the version just read, less
 * than `maxAgeMs` ago; then trusted for the TTL from the start of the version read, not from now.
 */
export function confirmedTtl(
  entry: Pick<TenantCacheEntry, 'version' | 'readAt'>,
  read: VersionRead,
  trust: EntryTrust,
  now: number,
): number | undefined {
  if (entry.version !== read.version || now - entry.readAt >= trust.maxAgeMs) return undefined;
  // At least 1 ms: lru-cache reads a TTL of 0 as "never expires".
  return Math.max(1, trust.ttlMs - (now - read.startedAt));
}

/** A version read shared by the entries that expire soon after it starts. */
interface SharedVersionRead {
  readonly startedAt: number;
  readonly answer: Promise<VersionRead>;
  /** The answer, once it has come. */
  answered?: VersionRead;
}

/** `get` that answers only a fresh entry and leaves an expired one in place for fetch to confirm. */
const FRESH_ONLY = { allowStale: false, noDeleteOnStaleGet: true } as const;

/**
 * Tenant metadata in front of the registry. Concurrent misses for one name share one registry
 * query; unknown names are remembered briefly; a known tenant is still served from its expired
 * entry while the registry cannot be reached.
 *
 * With a versioned registry, an expired entry is first confirmed by the registry's version
 * (bumped by every write, in the write's transaction): when it has not changed since the row
 * was read, the entry is kept without reading the row again ({@link confirmedTtl}). One version
 * read serves every entry that expires within a tenth of its TTL (at most 1 s) of its start, so
 * thousands of tenants expiring together cost a few queries, not thousands.
 */
export class TenantCache {
  readonly #lru: LRUCache<string, TenantCacheEntry>;
  readonly #logger: TenancyLogger;
  readonly #registry: TenantCacheConfig['registry'];
  readonly #clock: { now(): number };
  readonly #found: EntryTrust;
  readonly #missing: EntryTrust;
  #versionRead: SharedVersionRead | undefined;
  readonly stats: TenantCacheStats = { hits: 0, negativeHits: 0, misses: 0, staleServed: 0, registryErrors: 0, revalidated: 0 };

  constructor(config: TenantCacheConfig) {
    this.#logger = config.logger ?? silentLogger;
    this.#registry = config.registry;
    this.#clock = config.now ? { now: config.now } : performance;
    const maxAgeMs = MAX_CONFIRMED_AGE_TTLS * config.ttlMs;
    this.#found = { ttlMs: config.ttlMs, maxAgeMs };
    this.#missing = { ttlMs: Math.min(config.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS, config.ttlMs), maxAgeMs };
    this.#lru = new LRUCache<string, TenantCacheEntry>({
      max: config.max ?? DEFAULT_CACHE_MAX,
      ttl: config.ttlMs,
      perf: this.#clock,
      // Read the clock at every check. By default lru-cache keeps it for 1 ms and clears it with a
      // timer; workerd drops a request's timers when the request ends, which froze the clock (and
      // every TTL) for the rest of the isolate's life.
      ttlResolution: 0,
      // Stale-if-error: a failed fetch keeps the expired entry and answers with it.
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: (key, stale, { options }) => this.#load(key, stale, options),
    });
  }

  /**
   * The answer for `name`, `record` undefined when the registry has no such tenant. The entry
   * itself when no query is needed (fresh, or expired and confirmed by a version read that has
   * answered); otherwise a promise through lru-cache's fetch, which shares one registry query
   * between concurrent callers. Throws InvalidTenantNameError for an impossible name, without a
   * query; the promise rejects with RegistryUnavailableError when the registry fails and nothing
   * is cached.
   */
  lookup(name: string): TenantCacheEntry | Promise<TenantCacheEntry> {
    // Only checked keys are stored, so a name found as it is needs no check: the pattern test,
    // lower-casing and reserved-name lookup are skipped for nearly every request.
    let key = name;
    let entry = this.#lru.get(name, FRESH_ONLY);
    if (entry === undefined) {
      key = validTenantKey(name);
      if (key !== name) entry = this.#lru.get(key, FRESH_ONLY);
    }
    if (entry !== undefined) {
      if (entry.record) this.stats.hits++;
      else this.stats.negativeHits++;
      return entry;
    }
    // Expired after a version read has answered: decided here, as the fetch method would, without
    // fetch's promises and status object, since many lookups at scale find their entry expired.
    if (this.#versionRead?.answered !== undefined) {
      const status: LRUCache.Status<string, TenantCacheEntry> = {};
      const stale = this.#lru.get(key, { allowStale: true, noDeleteOnStaleGet: true, status });
      // 'stale': expired with no fetch in flight ('stale-fetching' joins that fetch below).
      if (stale !== undefined && status.get === 'stale') {
        const now = this.#clock.now();
        const trust = this.#trustOf(stale);
        const read = this.#sharedVersionRead(trust, now)?.answered;
        const ttl = read === undefined ? undefined : confirmedTtl(stale, read, trust, now);
        if (ttl !== undefined) {
          this.#lru.set(key, stale, { ttl });
          this.stats.revalidated++;
          this.stats.misses++;
          return stale;
        }
      }
    }
    return this.#fetch(key);
  }

  /** The promise half of {@link lookup}: lru-cache's fetch, counted. */
  async #fetch(key: string): Promise<TenantCacheEntry> {
    for (;;) {
      const status: LRUCache.Status<string, TenantCacheEntry> = {};
      const entry = await this.#lru.fetch(key, { status });
      // An invalidation aborts a fetch in flight; the caller wants the answer after it.
      if (status.fetchAborted) continue;
      this.stats.misses++;
      if (status.returnedStale) this.stats.staleServed++;
      // With allowStaleOnFetchRejection, a failed fetch with nothing stale resolves undefined:
      // that is "registry down", not "no such tenant".
      if (entry === undefined) throw status.fetchError;
      return entry;
    }
  }

  /** lru-cache's fetchMethod: keeps an expired entry that the registry version confirms, else reads the row. */
  async #load(
    key: string,
    stale: TenantCacheEntry | undefined,
    options: LRUCache.FetcherFetchOptions<string, TenantCacheEntry>,
  ): Promise<TenantCacheEntry> {
    try {
      if (stale?.version !== undefined && this.#registry.version) {
        const now = this.#clock.now();
        const trust = this.#trustOf(stale);
        // Worth waiting for a version read only when an unchanged version would keep the entry.
        if (confirmedTtl(stale, { version: stale.version, startedAt: now }, trust, now) !== undefined) {
          const read = this.#sharedVersionRead(trust, now) ?? this.#startVersionRead(now);
          const ttl = confirmedTtl(stale, await read.answer, trust, this.#clock.now());
          if (ttl !== undefined) {
            this.stats.revalidated++;
            options.ttl = ttl;
            return stale;
          }
        }
      }
      const readAt = this.#clock.now();
      const { record, version } = this.#registry.getVersioned
        ? await this.#registry.getVersioned(key)
        : { record: await this.#registry.get(key), version: undefined };
      if (!record) options.ttl = this.#missing.ttlMs;
      return { record, version, readAt };
    } catch (error) {
      this.stats.registryErrors++;
      this.#logger.warn('tenant registry lookup failed', { tenant: key, error: describeError(error) });
      throw error;
    }
  }

  /** How long an entry is trusted: a tenant's for the TTL, "no such tenant" for the shorter negative TTL. */
  #trustOf(entry: TenantCacheEntry): EntryTrust {
    return entry.record ? this.#found : this.#missing;
  }

  /** The version read an entry expiring now shares: one started less than a tenth of its TTL (at most 1 s) ago. */
  #sharedVersionRead(trust: EntryTrust, now: number): SharedVersionRead | undefined {
    const read = this.#versionRead;
    return read !== undefined && now - read.startedAt < Math.min(1000, trust.ttlMs / 10) ? read : undefined;
  }

  #startVersionRead(now: number): SharedVersionRead {
    const read: SharedVersionRead = {
      startedAt: now,
      answer: this.#registry.version!().then((version) => (read.answered = { version, startedAt: now })),
    };
    // A failed read is not shared: the next expired entry tries again.
    read.answer.catch(() => {
      if (this.#versionRead === read) this.#versionRead = undefined;
    });
    this.#versionRead = read;
    return read;
  }

  /** Drops one name, so the next lookup asks the registry. */
  invalidate(name: string): void {
    this.#lru.delete(tenantKey(name));
  }

  clear(): void {
    this.#lru.clear();
  }

  get size(): number {
    return this.#lru.size;
  }
}
