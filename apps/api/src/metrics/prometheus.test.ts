import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from './prometheus.js';

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
});
