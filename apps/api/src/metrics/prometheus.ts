import type { PoolStats, TenantCacheStats } from '@tenantry/tenancy';
import { Counter, Gauge, type Metric, Registry, collectDefaultMetrics } from 'prom-client';
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

  // Requests are counted here and handed to prom-client at scrape time, like the cache counters
  // below: prom-client checks and hashes the labels on every inc and observe, about 5% of the
  // instructions of a request.
  const requests = new RequestSeries(DEFAULT_LATENCY_BUCKETS);
  new Counter({
    name: 'tenantry_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const series of requests.all()) {
        for (const [status, count] of series.statuses) this.inc({ method: series.method, route: series.route, status: String(status) }, count);
      }
    },
  });
  // prom-client's types take only its own metric classes here; the registry itself reads a
  // metric's name, help, type and aggregator and calls its get() and reset(), which this has.
  registry.registerMetric(
    latencyHistogram(
      'tenantry_http_request_duration_seconds',
      'Time to answer (until the response headers), by method and route pattern',
      requests,
    ) as unknown as Metric,
  );

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
      requests.observe(o.method, o.route, o.status, o.durationMs / 1000);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** One method and route: its answers by status, and its latency histogram. */
interface Series {
  readonly method: string;
  readonly route: string;
  readonly statuses: Map<number, number>;
  /** Observations per bucket (not cumulative); the last one counts those above every bound. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * Request counts and latencies by method and route (and status, for the counts). Bounded: routes
 * are patterns, and Node's parser takes only known methods.
 */
class RequestSeries {
  /** By route, then method: both are strings the router and Node's parser reuse, so looking them up hashes nothing new (a joined key cost a new string and its hash a request). */
  readonly #series = new Map<string, Map<string, Series>>();
  constructor(readonly bounds: readonly number[]) {}

  observe(method: string, route: string, status: number, seconds: number): void {
    let byMethod = this.#series.get(route);
    if (byMethod === undefined) {
      byMethod = new Map();
      this.#series.set(route, byMethod);
    }
    let series = byMethod.get(method);
    if (series === undefined) {
      series = { method, route, statuses: new Map(), buckets: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 };
      byMethod.set(method, series);
    }
    series.statuses.set(status, (series.statuses.get(status) ?? 0) + 1);
    // A value on a bound counts in that bound's bucket (le: less than or equal).
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]!) bucket++;
    series.buckets[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  *all(): IterableIterator<Series> {
    for (const byMethod of this.#series.values()) yield* byMethod.values();
  }
}

/**
 * The latency histogram as a metric of prom-client's registry, read from `series` at scrape
 * time. Its exposition is prom-client's own: cumulative `_bucket` lines with `le` first, then
 * `+Inf`, `_sum` and `_count`.
 */
function latencyHistogram(name: string, help: string, series: RequestSeries) {
  interface Value {
    readonly metricName: string;
    readonly labels: Record<string, string | number>;
    readonly value: number;
  }
  const get = async () => {
    const values: Value[] = [];
    for (const s of series.all()) {
      let cumulative = 0;
      series.bounds.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        values.push({ metricName: `${name}_bucket`, labels: { le: bound, method: s.method, route: s.route }, value: cumulative });
      });
      values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', method: s.method, route: s.route }, value: s.count });
      values.push({ metricName: `${name}_sum`, labels: { method: s.method, route: s.route }, value: s.sum });
      values.push({ metricName: `${name}_count`, labels: { method: s.method, route: s.route }, value: s.count });
    }
    return { name, help, type: 'histogram', values, aggregator: 'sum' };
  };
  // Counts are never reset: they are a process's totals, as the mirrored counters are.
  return { name, help, type: 'histogram', aggregator: 'sum', get, reset: () => {} };
}
