import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BATCHING_OPTIONS,
  metricValue,
  rawRequest,
  startTestServer,
  waitFor,
  type TestServer,
} from '../testing/harness.ts';
import { tinyCard, writeTinyModel } from '../testing/tiny-generator.ts';

/** A generator whose session.run takes ~1 ms per latent on one thread (1024-wide, 100 Gemm layers). */
const SLOW = { hidden: { width: 1024, layers: 100 } } as const;

describe('dynamic batching', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'tiny').then(() => {}), BATCHING_OPTIONS);
  });
  afterAll(() => t?.close());

  const metrics = async () => (await rawRequest(t.port, 'GET', '/metrics')).body.toString();

  it('merges concurrent requests into one session.run and splits the rows back to each request', async () => {
    const before = await metrics();
    const seeds = [0, 1, 2, 3, 4, 5, 6, 7];
    const together = await Promise.all(
      seeds.map((seed) =>
        rawRequest(t.port, 'POST', '/v1/models/tiny/samples', { n: 2, seed, format: 'json' }),
      ),
    );
    const after = await metrics();
    const delta = (series: string) => (metricValue(after, series) ?? 0) - (metricValue(before, series) ?? 0);
    // 8 requests of 2 latents: fewer batches than requests, all 16 latents generated, no request ran alone.
    expect(delta('ganforge_batch_size_count{model="tiny"}')).toBeLessThan(8);
    expect(delta('ganforge_batch_size_sum{model="tiny"}')).toBe(16);
    expect(delta('ganforge_batch_requests_bucket{le="1",model="tiny"}')).toBe(0);
    expect(delta('ganforge_batch_requests_sum{model="tiny"}')).toBe(8);

    // Each merged answer is that request's own answer: the same as asking alone.
    for (const [i, seed] of seeds.entries()) {
      const solo = (
        await rawRequest(t.port, 'POST', '/v1/models/tiny/samples', { n: 2, seed, format: 'json' })
      ).json();
      const merged = together[i]!.json();
      expect(merged.latents).toEqual(solo.latents);
      const a = (merged.images as number[][]).flat();
      const b = (solo.images as number[][]).flat();
      expect(a).toHaveLength(128);
      for (let k = 0; k < a.length; k++) expect(Math.abs(a[k]! - b[k]!)).toBeLessThan(1e-6);
    }
  });
});

describe("a card's serving.maxBatch below the server's --max-batch", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(
      async (dir) => {
        // The same generator twice: 'capped' says in its card that it takes at most 4 latents per run.
        await writeTinyModel(dir, 'capped', { card: { ...tinyCard('capped'), serving: { maxBatch: 4 } } });
        await writeTinyModel(dir, 'free');
      },
      { workers: 1, maxBatch: 64, maxDelayMs: 100 },
    );
  });
  afterAll(() => t?.close());

  /** The change in the batch metrics of `model` over 8 concurrent requests of 2 latents each. */
  async function eightRequests(model: string) {
    const before = (await rawRequest(t.port, 'GET', '/metrics')).body.toString();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, seed) =>
        rawRequest(t.port, 'POST', `/v1/models/${model}/samples`, { n: 2, seed, format: 'npy' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    const after = (await rawRequest(t.port, 'GET', '/metrics')).body.toString();
    const delta = (series: string) => (metricValue(after, series) ?? 0) - (metricValue(before, series) ?? 0);
    return {
      batches: delta(`ganforge_batch_size_count{model="${model}"}`),
      latents: delta(`ganforge_batch_size_sum{model="${model}"}`),
      atMost2: delta(`ganforge_batch_size_bucket{le="2",model="${model}"}`),
      atMost4: delta(`ganforge_batch_size_bucket{le="4",model="${model}"}`),
    };
  }

  it("runs that model's batches at most 4 latents large, still merging requests up to it", async () => {
    const capped = await eightRequests('capped');
    expect(capped.latents).toBe(16);
    expect(capped.batches).toBeGreaterThanOrEqual(4);
    expect(capped.atMost4).toBe(capped.batches); // every batch <= the card's 4
    expect(capped.atMost2).toBe(0); // and merged: two requests per batch, not one
  });

  it("leaves a model without the section at the server's --max-batch", async () => {
    const free = await eightRequests('free');
    expect(free.latents).toBe(16);
    expect(free.batches).toBeLessThan(8);
    expect(free.atMost4).toBeLessThan(free.batches); // at least one batch above 4
  });
});

describe('continuous batching (maxDelayMs 0, the default)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'slow', SLOW).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
      maxBatch: 64,
    });
  });
  afterAll(() => t?.close());

  it('starts a lone request at once, and batches the ones that arrive while the worker is busy', async () => {
    expect((await rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 1 })).status).toBe(200); // warm
    const before = (await rawRequest(t.port, 'GET', '/metrics')).body.toString();
    // One long batch (~50 ms: 48 latents through the slow model), then six small requests while it runs.
    const first = rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 48, seed: 1, format: 'npy' });
    await new Promise((r) => setTimeout(r, 10));
    const rest = await Promise.all(
      Array.from({ length: 6 }, (_, seed) =>
        rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 1, seed, format: 'npy' }),
      ),
    );
    expect((await first).status).toBe(200);
    expect(rest.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const after = (await rawRequest(t.port, 'GET', '/metrics')).body.toString();
    const delta = (series: string) => (metricValue(after, series) ?? 0) - (metricValue(before, series) ?? 0);
    // 54 latents: the first request alone, the six that came while it ran merged (2 runs, not 7).
    expect(delta('ganforge_batch_size_sum{model="slow"}')).toBe(54);
    expect(delta('ganforge_batch_size_count{model="slow"}')).toBeLessThanOrEqual(3);
    // No request waited for company: the first one started within a millisecond of arriving.
    expect(delta('ganforge_queue_wait_seconds_bucket{le="0.001",model="slow"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('queue limit and deadline', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'slow', SLOW).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
      maxBatch: 4,
      maxDelayMs: 1,
      queueLimit: 8,
      maxN: 256,
    });
  });
  afterAll(() => t?.close());

  it('refuses requests past the queue limit with 429 + Retry-After, and serves the rest', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, seed) =>
        rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 4, seed, format: 'json' }),
      ),
    );
    const refused = results.filter((r) => r.status === 429);
    const served = results.filter((r) => r.status === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(served.length).toBeGreaterThanOrEqual(2); // at least the queue limit (8 samples)
    expect(refused.length + served.length).toBe(12);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json().error.code).toBe('queue_full');
    }
    for (const r of served) expect(r.json().shape).toEqual([4, 8, 8, 1]);
  });
});

describe('admission by samples', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'slow', SLOW).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
      queueLimit: 512,
      maxN: 256,
    });
  });
  afterAll(() => t?.close());

  it('counts samples, not requests: big requests past the limit get 429 at once, with Retry-After', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, seed) =>
        rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 256, seed, format: 'json' }),
      ),
    );
    const refused = results.filter((r) => r.status === 429);
    const served = results.filter((r) => r.status === 200);
    // Six requests are far under a request-count limit, but 1536 samples are three times the limit.
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.length).toBeLessThanOrEqual(2);
    expect(refused.length + served.length).toBe(6);
    for (const r of refused) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json().error).toMatchObject({ code: 'queue_full' });
      expect(r.json().error.message).toMatch(/512/);
    }
    for (const r of served) expect(r.json().images).toHaveLength(256);
    // Once answered, the samples are no longer counted: the next request is admitted.
    expect((await rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 256 })).status).toBe(200);
  });
});

describe('per-request deadline', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'slow', SLOW).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
      requestTimeoutMs: 50,
      maxN: 256,
    });
  });
  afterAll(() => t?.close());

  it('answers 504 when a request misses its deadline', async () => {
    // 256 latents through 100 1024-wide layers on one thread: ~300 ms, past the 50 ms deadline.
    const r = await rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 256, seed: 1, format: 'npy' });
    expect(r.status).toBe(504);
    expect(r.json().error.code).toBe('deadline_exceeded');
    // The server is still healthy afterwards (once the abandoned batch has left the worker).
    await waitFor(
      async () => (await rawRequest(t.port, 'POST', '/v1/models/slow/samples', { n: 1 })).status === 200,
      5000,
      'a 200',
    );
  });
});
