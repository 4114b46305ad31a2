import { LRUCache } from 'lru-cache';
import { assertTenantName, tenantKey } from '../names.js';
import { type TenancyLogger, describeError, silentLogger } from '../logger.js';
import type { TenantRecord, TenantRegistry } from '../registry/types.js';

export const DEFAULT_CACHE_MAX = 100_000;
export const DEFAULT_NEGATIVE_TTL_MS = 5_000;

export interface TenantCacheConfig {
  readonly registry: Pick<TenantRegistry, 'get'>;
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
}

const MISSING = Object.freeze({ missing: true as const });
type Entry = TenantRecord | typeof MISSING;

/**
 * Tenant metadata in front of the registry. Concurrent misses for one name share one registry
 * query; unknown names are remembered briefly; a known tenant is still served from its expired
 * entry while the registry cannot be reached.
 */
export class TenantCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #logger: TenancyLogger;
  readonly stats: TenantCacheStats = { hits: 0, negativeHits: 0, misses: 0, staleServed: 0, registryErrors: 0 };

  constructor(config: TenantCacheConfig) {
    this.#logger = config.logger ?? silentLogger;
    const negativeTtl = Math.min(config.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS, config.ttlMs);
    this.#lru = new LRUCache<string, Entry>({
      max: config.max ?? DEFAULT_CACHE_MAX,
      ttl: config.ttlMs,
      // Read the clock at every check. By default lru-cache keeps it for 1 ms and clears it with a
      // timer; workerd drops a request's timers when the request ends, which froze the clock (and
      // every TTL) for the rest of the isolate's life.
      ttlResolution: 0,
      allowStaleOnFetchRejection: true,
      noDeleteOnFetchRejection: true,
      fetchMethod: async (key, _stale, { options }) => {
        try {
          const record = await config.registry.get(key);
          if (record) return record;
          options.ttl = negativeTtl;
          return MISSING;
        } catch (error) {
          this.stats.registryErrors++;
          this.#logger.warn('tenant registry lookup failed', { tenant: key, error: describeError(error) });
          throw error;
        }
      },
    });
  }

  /**
   * The registry row of `name`, or undefined when there is none. An impossible name throws
   * InvalidTenantNameError without any query; a registry failure with nothing cached throws
   * RegistryUnavailableError.
   */
  async lookup(name: string): Promise<TenantRecord | undefined> {
    assertTenantName(name);
    const key = tenantKey(name);
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
      if (entry === MISSING) this.stats.negativeHits++;
      else this.stats.hits++;
    } else {
      this.stats.misses++;
    }
    if (status.returnedStale) this.stats.staleServed++;
    return entry === MISSING || entry === undefined ? undefined : (entry as TenantRecord);
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
