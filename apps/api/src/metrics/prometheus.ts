import type { PoolStats, TenantCacheStats } from '@tenantry/tenancy';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppMetrics, RequestObservation } from './types.js';

export interface PrometheusMetricsConfig {
  /** The core's cache counters, read at scrape time. */
  readonly cacheStats: () => TenantCacheStats;
  readonly cacheSize?: () => number;
  /** Pool figures per tenant database server, read at scrape time. */
  readonly poolStats: () => readonly PoolStats[];
  /** Node process metrics (event loop, heap, ...); on by default. */
  readonly processMetrics?: boolean;
}

export const DEFAULT_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** {@link AppMetrics} on prom-client, with its own registry (no global state). */
export function createPrometheusMetrics(config: PrometheusMetricsConfig): AppMetrics & { readonly registry: Registry } {
  const registry = new Registry();
  if (config.processMetrics !== false) collectDefaultMetrics({ register: registry });

  // Counted here and mirrored at scrape time, like the cache counters below: prom-client checks
  // and hashes the labels on every inc, a percent or two of the CPU of a request.
  const answered = new Map<string, { labels: { method: string; route: string; status: string }; count: number }>();
  new Counter({
    name: 'tenantry_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, count } of answered.values()) this.inc(labels, count);
    },
  });
  const latency = new Histogram({
    name: 'tenantry_http_request_duration_seconds',
    help: 'Time to answer (until the response headers), by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: DEFAULT_LATENCY_BUCKETS,
    registers: [registry],
  });

  // The core counts; these mirror its counters at scrape time.
  const cacheCounter = (name: string, help: string, read: (s: TenantCacheStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read(config.cacheStats()));
      },
    });
  cacheCounter('tenantry_tenant_cache_hits_total', 'Tenant lookups answered from the cache with a tenant', (s) => s.hits);
  cacheCounter('tenantry_tenant_cache_negative_hits_total', 'Tenant lookups answered from the cache with "no such tenant"', (s) => s.negativeHits);
  cacheCounter('tenantry_tenant_cache_misses_total', 'Tenant lookups that asked the registry', (s) => s.misses);
  cacheCounter('tenantry_tenant_cache_stale_served_total', 'Lookups answered from an expired entry because the registry failed', (s) => s.staleServed);
  cacheCounter('tenantry_tenant_cache_registry_errors_total', 'Registry lookups that failed', (s) => s.registryErrors);
  cacheCounter(
    'tenantry_tenant_cache_revalidated_total',
    'Expired entries kept because the registry version had not changed (no row read)',
    (s) => s.revalidated,
  );
  if (config.cacheSize) {
    const size = config.cacheSize;
    new Gauge({
      name: 'tenantry_tenant_cache_entries',
      help: 'Names held in the tenant cache (found and missing)',
      registers: [registry],
      collect() {
        this.set(size());
      },
    });
  }

  const poolGauge = (name: string, help: string, read: (s: PoolStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['server'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of config.poolStats()) this.set({ server: s.server }, read(s));
      },
    });
  poolGauge('tenantry_pool_connections_in_use', 'Connections (SQLite: file handles) in use, per tenant database server', (s) => s.inUse);
  poolGauge('tenantry_pool_connections_idle', 'Open idle connections (SQLite: file handles), per server', (s) => s.idle);
  poolGauge('tenantry_pool_requests_waiting', 'Queries queued for a connection, per server', (s) => s.waiting);
  poolGauge('tenantry_pool_connections_limit', 'Most connections this process opens to the server', (s) => s.limit);

  return {
    registry,
    observeRequest(o: RequestObservation) {
      // Bounded: routes are patterns, and Node's parser takes only known methods.
      const key = `${o.method} ${o.route} ${o.status}`;
      const seen = answered.get(key);
      if (seen) seen.count++;
      else answered.set(key, { labels: { method: o.method, route: o.route, status: String(o.status) }, count: 1 });
      latency.observe({ method: o.method, route: o.route }, o.durationMs / 1000);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
