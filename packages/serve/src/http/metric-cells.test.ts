import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MetricCells } from './metric-cells.ts';
import { ServeMetrics } from './metrics.ts';

/** A histogram and a counter in a registry of their own; `collect` is what a scrape runs first. */
function pair(collect?: () => void) {
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'h_seconds',
    help: 'h',
    labelNames: ['route'],
    buckets: [0.001, 0.01, 0.1],
    registers: [registry],
    ...(collect ? { collect } : {}),
  });
  const counter = new Counter({
    name: 'c_total',
    help: 'c',
    labelNames: ['route'],
    registers: [registry],
    ...(collect ? { collect } : {}),
  });
  return { registry, histogram, counter };
}

describe('metric cells', () => {
  it('a scrape shows exactly what direct prom-client calls would have shown', async () => {
    const direct = pair();
    const cells = new MetricCells();
    const deferred = pair(() => cells.flush());
    const b = {
      h: cells.histogram(deferred.histogram, { route: 'b' }),
      c: cells.counter(deferred.counter, { route: 'b' }),
    };
    const a = {
      h: cells.histogram(deferred.histogram, { route: 'a' }),
      c: cells.counter(deferred.counter, { route: 'a' }),
    };
    // Values across every bucket, over the cell capacity (256) so a cell also flushes by itself.
    for (let i = 0; i < 2500; i++) {
      const v = ((i * 7919) % 1000) / 5000;
      const route = i % 3 === 0 ? 'b' : 'a';
      direct.histogram.observe({ route }, v);
      direct.counter.inc({ route }, i % 5);
      const cell = route === 'a' ? a : b;
      cell.h.observe(v);
      cell.c.inc(i % 5);
    }
    // Every series line the same (their order is the order prom-client first heard of each series).
    const scrape = async (r: Registry) => (await r.metrics()).split('\n').sort();
    const want = await scrape(direct.registry);
    expect(want).toContain('h_seconds_count{route="a"} 1666');
    expect(await scrape(deferred.registry)).toEqual(want);
    // A second scrape without new observations changes nothing; new ones show in the next.
    expect(await scrape(deferred.registry)).toEqual(want);
    a.c.inc(3);
    direct.counter.inc({ route: 'a' }, 3);
    expect(await scrape(deferred.registry)).toEqual(await scrape(direct.registry));
  });

  it('refuses a value prom-client would refuse, when it is observed rather than at the next scrape', () => {
    const cells = new MetricCells();
    const cell = cells.histogram(pair().histogram, { route: 'a' });
    expect(() => cell.observe(Number.NaN)).toThrow(/finite/);
    expect(() => cells.flush()).not.toThrow();
  });

  it("the server's request-path records reach /metrics", async () => {
    const m = new ServeMetrics(() => ({}));
    m.recordRequest('/v1/models/:name/samples', 'POST', 200, 0.004);
    m.recordRequest('/v1/models/:name/samples', 'POST', 200, 0.02);
    m.recordRequest('/v1/models/:name/samples', 'POST', 400, 0.001);
    m.recordBatch('tiny', 4, 2, 0.003, true);
    m.recordBatch('tiny', 8, 1, 0.006, false);
    m.recordQueueWait('tiny', 0.002);
    m.recordSamples('tiny', 12);
    const text = await m.registry.metrics();
    const line = (series: string) => text.split('\n').find((l) => l.startsWith(`${series} `));
    expect(
      line('ganforge_http_requests_total{route="/v1/models/:name/samples",method="POST",status="200"}'),
    ).toMatch(/ 2$/);
    expect(
      line('ganforge_http_requests_total{route="/v1/models/:name/samples",method="POST",status="400"}'),
    ).toMatch(/ 1$/);
    expect(
      line('ganforge_http_request_duration_seconds_count{route="/v1/models/:name/samples",method="POST"}'),
    ).toMatch(/ 3$/);
    expect(
      line(
        'ganforge_http_request_duration_seconds_bucket{le="0.005",route="/v1/models/:name/samples",method="POST"}',
      ),
    ).toMatch(/ 2$/);
    expect(line('ganforge_batch_size_sum{model="tiny"}')).toMatch(/ 12$/);
    expect(line('ganforge_batch_requests_sum{model="tiny"}')).toMatch(/ 3$/);
    expect(line('ganforge_inline_batches_total{model="tiny"}')).toMatch(/ 1$/);
    expect(line('ganforge_inference_seconds_count{model="tiny"}')).toMatch(/ 2$/);
    expect(line('ganforge_queue_wait_seconds_count{model="tiny"}')).toMatch(/ 1$/);
    expect(line('ganforge_samples_generated_total{model="tiny"}')).toMatch(/ 12$/);
  });
});
