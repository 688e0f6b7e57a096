import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { countExpressRequests, exchange, type Exchange } from '../testing/exchange.ts';
import { metricValue, rawRequest } from '../testing/harness.ts';
import { tinyCard, writeTinyModel } from '../testing/tiny-generator.ts';
import { createServer, type GanforgeServer, type ServeOptions } from './app.ts';

/**
 * The fast path (fast-path.ts) against the Express routes: the same requests to two servers over the
 * same models folder, one with the fast path (the default) and one without, must get the same status,
 * headers (names, case, order, values; Date aside) and bytes, errors included, and leave the same
 * request metrics. Requests go one at a time, so each runs as its own batch on both servers.
 */
interface Running {
  readonly server: GanforgeServer;
  readonly port: number;
  readonly expressRequests: () => number;
}

async function start(modelsDir: string, options: Partial<ServeOptions>): Promise<Running> {
  const server = createServer({ modelsDir, logLevel: 'silent', watch: false, device: 'cpu', ...options });
  const expressRequests = countExpressRequests(server);
  const { port } = await server.listen(0, '127.0.0.1');
  await server.loaded;
  return { server, port, expressRequests };
}

function expectSame(fast: Exchange, express: Exchange, what: string): void {
  expect(fast.status, what).toBe(express.status);
  expect(fast.headers, what).toEqual(express.headers);
  expect(fast.body.equals(express.body), `${what}: body\n${fast.body}\n${express.body}`).toBe(true);
}

const MAX_N = 32;
const z = Array.from(sampleLatents({ seed: 11, n: 2, latentDim: 4, distribution: 'normal' }));
const infer = (extra: object = {}) => ({
  inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', data: z }],
  ...extra,
});

/** [label, method, path, body, request headers] */
type Case = readonly [string, string, string, (string | object)?, Record<string, string>?];

/** Requests the fast path answers itself. */
const FAST: readonly Case[] = [
  ['json samples', 'POST', '/v1/models/tiny/samples', { n: 3, seed: 42, format: 'json' }],
  ['npy samples', 'POST', '/v1/models/rgb/samples', { n: 2, seed: 3, format: 'npy' }],
  // 2 x 32 x 32 x 3 floats: over 16 KiB, so its pieces go out corked rather than joined.
  ['npy samples, a large body', 'POST', '/v1/models/wide/samples', { n: 2, seed: 4, format: 'npy' }],
  ['png grid (default format)', 'POST', '/v1/models/tiny/samples', { n: 4, seed: 7 }],
  [
    'webp grid',
    'POST',
    '/v1/models/rgb/samples',
    { n: 4, seed: 1, format: 'webp', grid: { columns: 4, padding: 0 } },
  ],
  ['explicit latents', 'POST', '/v1/models/tiny/samples', { latents: [z.slice(0, 4)], format: 'json' }],
  ['truncation', 'POST', '/v1/models/tiny/samples', { n: 8, seed: 1, truncation: 0.5, format: 'json' }],
  [
    'charset utf-8',
    'POST',
    '/v1/models/tiny/samples',
    { n: 1, format: 'npy' },
    { 'content-type': 'application/json; charset=utf-8' },
  ],
  [
    'allowed origin',
    'POST',
    '/v1/models/tiny/samples',
    { n: 1, format: 'npy' },
    { origin: 'https://embed.example' },
  ],
  [
    'other origin',
    'POST',
    '/v1/models/tiny/samples',
    { n: 1, format: 'npy' },
    { origin: 'https://evil.example' },
  ],
  ['empty body', 'POST', '/v1/models/tiny/samples', ''],
  ['body with a BOM', 'POST', '/v1/models/tiny/samples', '\ufeff{"n": 2, "format": "npy"}'],
  ['whitespace first', 'POST', '/v1/models/tiny/samples', ' \n{"n": 2, "format": "npy"}'],
  ['broken JSON', 'POST', '/v1/models/tiny/samples', '{"n": 1'],
  ['NaN literal', 'POST', '/v1/models/tiny/samples', '{"n": NaN}'],
  ['not JSON at all', 'POST', '/v1/models/tiny/samples', 'not json'],
  ['an array body', 'POST', '/v1/models/tiny/samples', '[1,2]'],
  ['null body', 'POST', '/v1/models/tiny/samples', 'null'],
  ['n too large', 'POST', '/v1/models/tiny/samples', { n: MAX_N + 1 }],
  ['n over the card limit', 'POST', '/v1/models/capped/samples', { n: 3, format: 'npy' }],
  ['unknown format', 'POST', '/v1/models/tiny/samples', { format: 'jpeg' }],
  ['unknown field', 'POST', '/v1/models/tiny/samples', { m: 1 }],
  ['wrong latent length', 'POST', '/v1/models/tiny/samples', { latents: [[1, 2, 3]] }],
  ['bad truncation', 'POST', '/v1/models/tiny/samples', { truncation: -1 }],
  ['unknown model', 'POST', '/v1/models/ghost/samples', { n: 1 }],
  ['invalid model name', 'POST', '/v1/models/..a/samples', { n: 1 }],
  ['GET png', 'GET', '/v1/models/tiny/samples.png?seed=9&n=4&columns=2'],
  ['GET webp', 'GET', '/v1/models/rgb/samples.webp?seed=9&n=4'],
  ['GET defaults', 'GET', '/v1/models/tiny/samples.png'],
  ['GET default n lowered to the card limit', 'GET', '/v1/models/capped/samples.png'],
  [
    'GET with origin',
    'GET',
    '/v1/models/tiny/samples.png?seed=1',
    undefined,
    { origin: 'https://embed.example' },
  ],
  ['GET n=0', 'GET', '/v1/models/tiny/samples.png?n=0'],
  ['GET n=abc', 'GET', '/v1/models/tiny/samples.png?n=abc'],
  ['GET repeated n', 'GET', '/v1/models/tiny/samples.png?n=1&n=2'],
  ['GET unknown parameter', 'GET', '/v1/models/tiny/samples.png?bogus=1'],
  ['GET unknown model', 'GET', '/v1/models/ghost/samples.png'],
  ['v2 infer', 'POST', '/v2/models/tiny/infer', infer({ id: 'req-1', outputs: [{ name: 'image' }] })],
  [
    'v2 infer, nested data',
    'POST',
    '/v2/models/tiny/infer',
    { inputs: [{ ...infer().inputs[0], data: [z.slice(0, 4), z.slice(4)] }] },
  ],
  [
    'v2 wrong shape',
    'POST',
    '/v2/models/tiny/infer',
    { inputs: [{ name: 'latent', shape: [1, 3], datatype: 'FP32', data: [0, 0, 0] }] },
  ],
  ['v2 unknown output', 'POST', '/v2/models/tiny/infer', infer({ outputs: [{ name: 'logits' }] })],
  ['v2 broken JSON', 'POST', '/v2/models/tiny/infer', '{"inputs": ['],
  ['v2 empty body', 'POST', '/v2/models/tiny/infer', ''],
  ['v2 unknown model', 'POST', '/v2/models/ghost/infer', infer()],
  ['liveness', 'GET', '/healthz'],
  ['readiness', 'GET', '/readyz'],
  ['liveness with an origin', 'GET', '/healthz', undefined, { origin: 'https://embed.example' }],
  ['v2 server live', 'GET', '/v2/health/live'],
  ['v2 server ready', 'GET', '/v2/health/ready'],
];

/** Requests the fast path leaves to Express (so they are answered as they always were). */
const EXPRESS: readonly Case[] = [
  ['HEAD', 'HEAD', '/v1/models/tiny/samples.png?seed=2'],
  ['conditional GET', 'GET', '/v1/models/tiny/samples.png?seed=2', undefined, { 'if-none-match': '"x"' }],
  ['text/plain body', 'POST', '/v1/models/tiny/samples', '{"n": 1}', { 'content-type': 'text/plain' }],
  [
    'vendor JSON type',
    'POST',
    '/v1/models/tiny/samples',
    '{"n": 1}',
    { 'content-type': 'application/vnd.x+json' },
  ],
  [
    'utf-16 charset',
    'POST',
    '/v1/models/tiny/samples',
    '{"n": 1}',
    { 'content-type': 'application/json; charset=utf-16' },
  ],
  ['oversized body', 'POST', '/v1/models/tiny/samples', { n: 1, pad: 'x'.repeat(5000) }],
  ['query string on POST', 'POST', '/v1/models/tiny/samples?x=1', { n: 1, format: 'npy' }],
  ['trailing slash', 'POST', '/v1/models/tiny/samples/', { n: 1, format: 'npy' }],
  ['other case', 'POST', '/V1/models/tiny/samples', { n: 1, format: 'npy' }],
  ['encoded name', 'POST', '/v1/models/t%69ny/samples', { n: 1, format: 'npy' }],
  ['versioned v2 infer', 'POST', '/v2/models/tiny/versions/1/infer', infer()],
  ['samples.jpg', 'GET', '/v1/models/tiny/samples.jpg'],
  ['HEAD liveness', 'HEAD', '/healthz'],
  ['liveness with a query', 'GET', '/healthz?probe=1'],
  ['liveness, trailing slash', 'GET', '/healthz/'],
  ['conditional readiness', 'GET', '/readyz', undefined, { 'if-none-match': '"x"' }],
  ['API description', 'GET', '/openapi.json'],
];

describe.each([
  { cors: 'a list of origins (cors per request)', corsOrigins: ['https://embed.example'] },
  { cors: "'*' (headers recorded once)", corsOrigins: ['*'] },
])('fast path and Express routes answer alike: CORS $cors', ({ corsOrigins }) => {
  let root: string;
  let fast: Running;
  let express: Running;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ganforge-fast-path-'));
    const models = join(root, 'models');
    await writeTinyModel(models, 'tiny', { latentDim: 4, weightSeed: 1 });
    await writeTinyModel(models, 'rgb', { latentDim: 4, height: 4, width: 5, channels: 3, weightSeed: 2 });
    await writeTinyModel(models, 'wide', { latentDim: 4, height: 32, width: 32, channels: 3, weightSeed: 3 });
    await writeTinyModel(models, 'capped', {
      card: { ...tinyCard('capped'), serving: { maxSamplesPerRequest: 2 } },
    });
    const options = { maxN: MAX_N, maxBodyBytes: 4096, corsOrigins, workers: 1, intraOpThreads: 1 };
    [fast, express] = await Promise.all([
      start(models, options),
      start(models, { ...options, fastPath: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([fast?.server.close(), express?.server.close()]);
    await rm(root, { recursive: true, force: true });
  });

  /** The same request to both servers, one after the other; whether Express answered it on the fast one. */
  async function both(c: Case): Promise<{ a: Exchange; b: Exchange; viaExpress: boolean }> {
    const [, method, path, body, headers] = c;
    const before = fast.expressRequests();
    const a = await exchange(fast.port, method, path, body, headers);
    const viaExpress = fast.expressRequests() > before;
    const b = await exchange(express.port, method, path, body, headers);
    return { a, b, viaExpress };
  }

  const labelled = (cases: readonly Case[]) => cases.map((c) => [c[0], c] as const);

  it.each(labelled(FAST))('%s: answered by the fast path, as Express answers it', async (label, c) => {
    const { a, b, viaExpress } = await both(c);
    expect(viaExpress, 'went through Express').toBe(false);
    expectSame(a, b, label);
  });

  it.each(labelled(EXPRESS))('%s: left to Express', async (label, c) => {
    const { a, b, viaExpress } = await both(c);
    expect(viaExpress, 'went through Express').toBe(true);
    expectSame(a, b, label);
  });

  it('answers a metrics scrape itself, with the status and headers Express gives it', async () => {
    const before = fast.expressRequests();
    const [a, b] = [
      await exchange(fast.port, 'GET', '/metrics'),
      await exchange(express.port, 'GET', '/metrics'),
    ];
    expect(fast.expressRequests(), 'went through Express').toBe(before);
    expect(a.status).toBe(200);
    // The counts in the body move with every request, and so does its length.
    const shape = (e: Exchange) => e.headers.filter(([name]) => name.toLowerCase() !== 'content-length');
    expect(shape(a)).toEqual(shape(b));
    const families = (e: Exchange) =>
      e.body
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('# TYPE'));
    expect(families(a)).toEqual(families(b));
    expect(families(a)).toContain('# TYPE ganforge_http_requests_total counter');
  });

  it('leaves the same request metrics (routes, methods, statuses, latency counts)', async () => {
    const series = async (port: number) => {
      const text = (await rawRequest(port, 'GET', '/metrics')).body.toString();
      const lines = text
        .split('\n')
        .filter((l) => /^ganforge_http_request(s_total|_duration_seconds_count)\{/.test(l))
        .filter((l) => !l.includes('route="/metrics"'));
      return Object.fromEntries(
        lines.map((l) => [l.slice(0, l.lastIndexOf(' ')), metricValue(text, l.slice(0, l.lastIndexOf(' ')))]),
      );
    };
    const [a, b] = [await series(fast.port), await series(express.port)];
    expect(Object.keys(a).length).toBeGreaterThan(5);
    expect(a).toEqual(b);
    expect(a['ganforge_http_requests_total{route="unmatched",method="POST",status="400"}']).toBeGreaterThan(
      0,
    );
  });

  it(`the inline lane ${corsOrigins[0] === '*' ? 'answers' : 'stays out of'} a lone npy request, as Express answers it`, async () => {
    // With CORS per request its headers come first, so the lane (one writeHead) stays out.
    const taken = corsOrigins[0] === '*' ? 1 : 0;
    const scrape = async () => (await rawRequest(fast.port, 'GET', '/metrics')).body.toString();
    const lane = (text: string, model: string) =>
      metricValue(text, `ganforge_inline_lane_requests_total{model="${model}"}`) ?? 0;
    const cases: readonly (readonly [Case, number])[] = [
      [['npy', 'POST', '/v1/models/rgb/samples', { n: 3, seed: 5, format: 'npy' }], taken],
      // Over 16 KiB: head and data go out in two writes.
      [['npy, large', 'POST', '/v1/models/wide/samples', { n: 2, seed: 5, format: 'npy' }], taken],
      [['truncation', 'POST', '/v1/models/rgb/samples', { n: 2, truncation: 0.5, format: 'npy' }], taken],
      // Not the lane's: JSON, explicit latents, an invalid body, a request over the card's limit.
      [['json', 'POST', '/v1/models/rgb/samples', { n: 2, seed: 5, format: 'json' }], 0],
      [['latents', 'POST', '/v1/models/tiny/samples', { latents: [z.slice(0, 4)], format: 'npy' }], 0],
      [['invalid', 'POST', '/v1/models/rgb/samples', { n: 0, format: 'npy' }], 0],
      [['over the limit', 'POST', '/v1/models/capped/samples', { n: 3, format: 'npy' }], 0],
    ];
    for (const [c, expected] of cases) {
      const model = c[2].split('/')[3]!;
      const before = lane(await scrape(), model);
      const { a, b, viaExpress } = await both(c);
      expect(viaExpress, c[0]).toBe(false);
      expectSame(a, b, c[0]);
      expect(lane(await scrape(), model) - before, c[0]).toBe(expected);
    }
    // Every sample the lane admitted has been given back.
    expect(metricValue(await scrape(), 'ganforge_samples_in_progress')).toBe(0);
  });

  it('same seed, same bytes, on either path (and another seed, other bytes)', async () => {
    const body = { n: 4, seed: 7, format: 'npy' };
    const [a, b, c] = [
      await exchange(fast.port, 'POST', '/v1/models/tiny/samples', body),
      await exchange(fast.port, 'POST', '/v1/models/tiny/samples', body),
      await exchange(fast.port, 'POST', '/v1/models/tiny/samples', { ...body, seed: 8 }),
    ];
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.body.equals(c.body)).toBe(false);
  });
});
