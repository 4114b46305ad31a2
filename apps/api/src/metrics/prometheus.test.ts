import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { DEFAULT_LATENCY_BUCKETS, createPrometheusMetrics } from './prometheus.js';

const cacheStats = () => ({ hits: 0, negativeHits: 0, misses: 0, staleServed: 0, registryErrors: 0, revalidated: 0 });

describe('createPrometheusMetrics', () => {
  it('counts requests by method, route and status, the same on every scrape', async () => {
    const metrics = createPrometheusMetrics({ cacheStats, poolStats: () => [], processMetrics: false });
    const observe = (method: string, route: string, status: number, n: number) => {
      for (let i = 0; i < n; i++) metrics.observeRequest({ method, route, status, durationMs: 7 });
    };
    observe('GET', '/:tenant/users', 200, 5);
    observe('GET', '/:tenant/users', 404, 2);
    observe('POST', '/:tenant/users', 201, 1);
    const line = (text: string, labels: string) =>
      text.split('\n').find((l) => l.startsWith(`tenantry_http_requests_total{${labels}} `));
    for (let scrape = 0; scrape < 2; scrape++) {
      const { body } = await metrics.render();
      expect(line(body, 'method="GET",route="/:tenant/users",status="200"')).toMatch(/ 5$/);
      expect(line(body, 'method="GET",route="/:tenant/users",status="404"')).toMatch(/ 2$/);
      expect(line(body, 'method="POST",route="/:tenant/users",status="201"')).toMatch(/ 1$/);
      expect(body).toMatch(/^tenantry_http_request_duration_seconds_count\{method="GET",route="\/:tenant\/users"\} 7$/m);
      expect(body).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/:tenant\/users"\} 0$/m);
      expect(body).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="0.01",method="GET",route="\/:tenant\/users"\} 7$/m);
    }
    observe('GET', '/:tenant/users', 200, 1);
    expect(line((await metrics.render()).body, 'method="GET",route="/:tenant/users",status="200"')).toMatch(/ 6$/);
  });

  it('writes the latency histogram exactly as a prom-client Histogram fed the same requests', async () => {
    const metrics = createPrometheusMetrics({ cacheStats, poolStats: () => [], processMetrics: false });
    const reference = new Registry();
    const histogram = new Histogram({
      name: 'tenantry_http_request_duration_seconds',
      help: 'Time to answer (until the response headers), by method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: DEFAULT_LATENCY_BUCKETS,
      registers: [reference],
    });
    // On a bound (5 ms, 10 s), between bounds, zero, and above every bound.
    const requests: Array<[string, string, number, number]> = [
      ['GET', '/:tenant/users', 200, 5],
      ['GET', '/:tenant/users', 200, 0],
      ['GET', '/:tenant/users', 404, 7.31],
      ['POST', '/:tenant/users', 201, 12.5],
      ['GET', '/:tenant/users', 200, 10_000],
      ['GET', '/healthz', 200, 60_000],
      ['GET', '/:tenant/users', 503, 251.07],
    ];
    for (const [method, route, status, durationMs] of requests) {
      metrics.observeRequest({ method, route, status, durationMs });
      histogram.observe({ method, route }, durationMs / 1000);
    }
    const ours = (await metrics.render()).body.split('\n\n').find((block) => block.includes('# TYPE tenantry_http_request_duration_seconds '));
    expect(ours).toBe((await reference.metrics()).trim());
    expect(ours).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/:tenant\/users"\} 2$/m);
    expect(ours).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="10",method="GET",route="\/healthz"\} 0$/m);
    expect(ours).toMatch(/^tenantry_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/healthz"\} 1$/m);
  });
});
