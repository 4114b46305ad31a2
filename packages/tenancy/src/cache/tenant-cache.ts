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
 * A registry answer: the tenant's row (or none), the registry version it was read at, and
 * when it was read (performance.now()).
 */
interface Entry {
  readonly record: TenantRecord | undefined;
  readonly version: number | undefined;
  readonly readAt: number;
}

/** `get` that answers only a fresh entry and leaves an expired one in place for fetch to confirm. */
const FRESH_ONLY = { allowStale: false, noDeleteOnStaleGet: true } as const;

/** How long one version read serves the entries that expire after it started: a tenth of their TTL, at most 1 s. */
const versionReuseMs = (ttl: number) => Math.min(1000, ttl / 10);

/** A kept entry is trusted for its TTL from the start of the version read that confirmed it, not from now. */
const trustedFor = (ttl: number, check: VersionCheck, now: number) => Math.max(1, ttl - (now - check.startedAt));

/** A version read shared by every expired entry that needs one meanwhile. */
interface VersionCheck {
  readonly startedAt: number;
  readonly version: Promise<number>;
  /** The version, once the read has answered. */
  answered?: number;
}

/**
 * Tenant metadata in front of the registry. Concurrent misses for one name share one registry
 * query; unknown names are remembered briefly; a known tenant is still served from its expired
 * entry while the registry cannot be reached.
 *
 * With a versioned registry, an expired entry is first confirmed by the registry's version
 * (bumped by every write, in the write's transaction): when it has not changed since the row
 * was read, the entry is kept without reading the row again. Version reads are shared, so
 * 10,000 tenants expiring together cost a few queries, not 10,000. An entry is still trusted
 * for at most the TTL after the registry read that confirmed it, and its row is read again at
 * least every MAX_CONFIRMED_AGE_TTLS TTLs (a hand edit of the tenants table bumps no version).
 */
export class TenantCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #logger: TenancyLogger;
  readonly #registry: TenantCacheConfig['registry'];
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #maxConfirmedAge: number;
  #versionCheck: VersionCheck | undefined;
  readonly stats: TenantCacheStats = { hits: 0, negativeHits: 0, misses: 0, staleServed: 0, registryErrors: 0, revalidated: 0 };

  constructor(config: TenantCacheConfig) {
    this.#logger = config.logger ?? silentLogger;
    this.#registry = config.registry;
    this.#ttl = config.ttlMs;
    this.#negativeTtl = Math.min(config.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS, config.ttlMs);
    this.#maxConfirmedAge = MAX_CONFIRMED_AGE_TTLS * config.ttlMs;
    this.#lru = new LRUCache<string, Entry>({
      max: config.max ?? DEFAULT_CACHE_MAX,
      ttl: config.ttlMs,
      // Read the clock at every check. By default lru-cache keeps it for 1 ms and clears it with a
      // timer; workerd drops a request's timers when the request ends, which froze the clock (and
      // every TTL) for the rest of the isolate's life.
      ttlResolution: 0,
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: async (key, stale, { options }) => {
        try {
          if (stale && this.#confirmable(stale, performance.now())) {
            const ttl = this.#ttlOf(stale);
            // A version read is shared by the entries that expire within a tenth of their TTL
            // (at most 1 s) of its start; each is then trusted for its TTL from that start.
            const check = this.#checkVersion(versionReuseMs(ttl));
            if ((await check.version) === stale.version) {
              this.stats.revalidated++;
              // Trusted for the TTL from the version read, not from now.
              options.ttl = trustedFor(ttl, check, performance.now());
              return stale;
            }
          }
          const readAt = performance.now();
          const { record, version } = this.#registry.getVersioned
            ? await this.#registry.getVersioned(key)
            : { record: await this.#registry.get(key), version: undefined };
          if (!record) options.ttl = this.#negativeTtl;
          return { record, version, readAt };
        } catch (error) {
          this.stats.registryErrors++;
          this.#logger.warn('tenant registry lookup failed', { tenant: key, error: describeError(error) });
          throw error;
        }
      },
    });
  }

  /**
   * The cached answer for `name` when it can be given without a query, and so without a promise:
   * `{ record }`, with record undefined for a name the registry does not have. That is a fresh
   * entry, or an expired one that the shared version read has just confirmed. Undefined when only
   * {@link lookup} can answer (missing, in flight, or expired with no answered version read to
   * confirm it). Counted as lookup counts it. Throws InvalidTenantNameError for an impossible name.
   */
  peek(name: string): { readonly record: TenantRecord | undefined } | undefined {
    // Only checked keys are stored, so a name found as it is needs no check: the pattern test,
    // lower-casing and reserved-name lookup are skipped for nearly every request. Any other
    // name (upper case, expired, missing, impossible) is checked and looked up by its key.
    const fresh = this.#fresh(name);
    if (fresh !== undefined) return fresh;
    const key = validTenantKey(name);
    // A name that is its own key has just been looked up fresh: only the expired case is left.
    return key === name ? this.#confirmed(key) : this.#cached(key);
  }

  /** The fresh entry stored under `key`, counted as a hit. */
  #fresh(key: string): Entry | undefined {
    // Answered at once, without lru-cache's fetch machinery (a status object and promises on
    // every request); anything else goes through lookup's fetch.
    const fresh = this.#lru.get(key, FRESH_ONLY);
    if (fresh !== undefined) {
      if (fresh.record) this.stats.hits++;
      else this.stats.negativeHits++;
    }
    return fresh;
  }

  /** {@link peek} by the already checked key. */
  #cached(key: string): Entry | undefined {
    return this.#fresh(key) ?? this.#confirmed(key);
  }

  /** An expired entry that the shared version read confirms, counted as a miss. */
  #confirmed(key: string): Entry | undefined {
    // At 10,000 tenants and a 30 s TTL about one request in six finds its entry expired; without
    // this, each of those took lookup's promise path though nothing was left to ask.
    const confirmed = this.#confirmedByAnsweredVersion(key);
    if (confirmed !== undefined) this.stats.misses++;
    return confirmed;
  }

  /**
   * The registry row of `name`, or undefined when there is none. An impossible name throws
   * InvalidTenantNameError without any query; a registry failure with nothing cached throws
   * RegistryUnavailableError.
   */
  async lookup(name: string): Promise<TenantRecord | undefined> {
    const key = validTenantKey(name);
    const cached = this.#cached(key);
    if (cached !== undefined) return cached.record;
    const status: LRUCache.Status<string, Entry> = {};
    let entry: Entry | undefined;
    try {
      entry = await this.#lru.fetch(key, { status });
    } catch (error) {
      // An invalidation aborts an in-flight lookup; the caller still wants the current answer.
      if (!status.fetchAborted) throw error;
      entry = await this.#lru.fetch(key);
    }
    // With allowStaleOnFetchRejection, a failed fetch with nothing stale resolves undefined:
    // that is "registry down", not "no such tenant".
    if (entry === undefined && status.fetchError) throw status.fetchError;
    if (status.fetch === 'hit') {
      if (entry?.record) this.stats.hits++;
      else this.stats.negativeHits++;
    } else {
      this.stats.misses++;
    }
    if (status.returnedStale) this.stats.staleServed++;
    return entry?.record;
  }

  /**
   * An expired entry kept because the shared version read has already answered with the version
   * its row was read at: what the fetch method does, without lru-cache's fetch (an abort
   * controller, promises and a status object; 15 to 60 µs of CPU), which at 10,000 tenants and a
   * 30 s TTL one lookup in eight or so went through. Undefined when the fetch must decide: no
   * answered read within the window, another version, a row read too long ago, a fetch in flight.
   */
  #confirmedByAnsweredVersion(key: string): Entry | undefined {
    const check = this.#versionCheck;
    if (check?.answered === undefined) return undefined;
    const status: LRUCache.Status<string, Entry> = {};
    const stale = this.#lru.get(key, { allowStale: true, noDeleteOnStaleGet: true, status });
    // 'stale': expired and no fetch in flight (that one is 'stale-fetching').
    if (stale === undefined || status.get !== 'stale' || stale.version !== check.answered) return undefined;
    const now = performance.now();
    const ttl = this.#ttlOf(stale);
    if (now - check.startedAt >= versionReuseMs(ttl) || !this.#confirmable(stale, now)) return undefined;
    this.#lru.set(key, stale, { ttl: trustedFor(ttl, check, now) });
    this.stats.revalidated++;
    return stale;
  }

  /** How long an entry is trusted: the TTL for a tenant, the shorter negative TTL for "no such tenant". */
  #ttlOf(entry: Entry): number {
    return entry.record ? this.#ttl : this.#negativeTtl;
  }

  /** Whether an expired entry may be kept on the registry version alone (else its row is read). */
  #confirmable(stale: Entry, now: number): boolean {
    return stale.version !== undefined && this.#registry.version !== undefined && now - stale.readAt < this.#maxConfirmedAge;
  }

  /** The registry's version: a read started less than `reuseMs` ago, or a new one. */
  #checkVersion(reuseMs: number): VersionCheck {
    const now = performance.now();
    const current = this.#versionCheck;
    if (current && now - current.startedAt < reuseMs) return current;
    const check: VersionCheck = { startedAt: now, version: this.#registry.version!() };
    this.#versionCheck = check;
    check.version.then(
      (version) => {
        check.answered = version;
      },
      // A failed read is not shared: the next expired entry tries again.
      () => {
        if (this.#versionCheck === check) this.#versionCheck = undefined;
      },
    );
    return check;
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
