import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { sendRequest } from '../testing/exchange.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';

const INLINE = 'ganforge_inline_batches_total{model="tiny"}';

describe('a lone client: small requests run on the HTTP thread (--inline-max)', () => {
  let t: TestServer;
  let off: TestServer;
  beforeAll(async () => {
    [t, off] = await Promise.all([
      // The run-time bound lifted (a busy test machine can make a tiny model's run take longer than the
      // default 10 ms): here what runs inline depends on the samples and the clients only. The bound has its
      // own test below, and engine/batch-scheduler.test.ts.
      startTestServer((dir) => writeTinyModel(dir, 'tiny').then(() => {}), {
        workers: 2,
        intraOpThreads: 1,
        inlineMaxMs: 10_000,
      }),
      startTestServer((dir) => writeTinyModel(dir, 'tiny').then(() => {}), {
        workers: 2,
        intraOpThreads: 1,
        inlineMaxSamples: 0,
      }),
    ]);
  });
  afterAll(() => Promise.all([t?.close(), off?.close()]));

  /** Requests one after another on one kept-alive connection, as a single client sends them. */
  async function alone(server: TestServer, bodies: object[]): Promise<{ inline: number; bodies: Buffer[] }> {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const inlineNow = async () =>
        metricValue(
          (await sendRequest(server.port, 'GET', '/metrics', undefined, {}, agent)).body.toString(),
          INLINE,
        ) ?? 0;
      const before = await inlineNow();
      const out: Buffer[] = [];
      for (const body of bodies) {
        const r = await sendRequest(server.port, 'POST', '/v1/models/tiny/samples', body, {}, agent);
        expect(r.status).toBe(200);
        out.push(r.body);
      }
      return { inline: (await inlineNow()) - before, bodies: out };
    } finally {
      agent.destroy();
    }
  }

  const small = [1, 2, 3, 4].map((n) => ({ n, seed: 10 + n, format: 'npy' }));

  it('runs up to --inline-max samples inline (64 by default: the max batch), more on the workers', async () => {
    expect((await alone(t, small)).inline).toBe(4);
    const larger = [16, 64].map((n) => ({ n, seed: n, format: 'npy' }));
    expect((await alone(t, larger)).inline).toBe(2);
    expect((await alone(t, [{ n: 65, seed: 1, format: 'npy' }])).inline).toBe(0);
  });

  it('a run estimated past --inline-max-ms goes to the workers, with the same bytes', async () => {
    const slow = await startTestServer((dir) => writeTinyModel(dir, 'tiny').then(() => {}), {
      workers: 2,
      intraOpThreads: 1,
      // No run of any model takes under a nanosecond: nothing may run inline.
      inlineMaxMs: 1e-6,
    });
    try {
      const r = await alone(slow, small);
      expect(r.inline).toBe(0);
      const inline = await alone(t, small);
      for (let i = 0; i < small.length; i++) expect(r.bodies[i]!.equals(inline.bodies[i]!)).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it("a monitor's kept-alive connection does not count as a second client; another client's does", async () => {
    const monitor = new Agent({ keepAlive: true, maxSockets: 1 });
    const other = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (const path of ['/metrics', '/healthz', '/readyz', '/v2/health/ready']) {
        expect((await sendRequest(t.port, 'GET', path, undefined, {}, monitor)).status).toBe(200);
      }
      // The scraper's connection is still open (kept alive): the lone client still runs inline.
      expect((await alone(t, small)).inline).toBe(4);
      // A second client that has asked for samples and keeps its connection open: no inline runs.
      const body = { n: 1, seed: 1, format: 'npy' };
      expect((await sendRequest(t.port, 'POST', '/v1/models/tiny/samples', body, {}, other)).status).toBe(
        200,
      );
      expect((await alone(t, small)).inline).toBe(0);
    } finally {
      monitor.destroy();
      other.destroy();
    }
  });

  it('the same bytes as the workers give (a server with --inline-max 0, and a busy server)', async () => {
    const inline = await alone(t, small);
    const workers = await alone(off, small);
    expect(workers.inline).toBe(0);
    for (let i = 0; i < small.length; i++) expect(inline.bodies[i]!.equals(workers.bodies[i]!)).toBe(true);
    // Eight clients at once: what ran on the workers (in batches) has the same bytes as inline alone.
    const together = await Promise.all(
      [...small, ...small].map((body) => rawRequest(t.port, 'POST', '/v1/models/tiny/samples', body)),
    );
    for (let i = 0; i < together.length; i++) {
      expect(together[i]!.body.equals(inline.bodies[i % small.length]!)).toBe(true);
    }
  });
});
