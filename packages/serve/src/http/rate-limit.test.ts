import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';

describe('rate limit (configurable)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'tiny').then(() => {}), {
      rateLimit: { windowMs: 60_000, limit: 3 },
      corsOrigins: [],
    });
  });
  afterAll(() => t?.close());

  it('answers 429 with Retry-After past the limit; health and metrics stay reachable', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await rawRequest(t.port, 'GET', '/v1/models')).status);
    expect(statuses).toEqual([200, 200, 200]);
    const r = await rawRequest(t.port, 'POST', '/v1/models/tiny/samples', { n: 1 });
    expect(r.status).toBe(429);
    expect(r.json().error.code).toBe('rate_limited');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    expect((await rawRequest(t.port, 'GET', '/healthz')).status).toBe(200);
    expect((await rawRequest(t.port, 'GET', '/metrics')).status).toBe(200);
  });

  it('CORS off: no Access-Control headers', async () => {
    const r = await rawRequest(t.port, 'GET', '/healthz', undefined, { origin: 'https://a.example' });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});
