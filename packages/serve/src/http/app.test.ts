import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { apiSecurityHeaders } from './api-headers.ts';
import { writeTinyModel } from '../testing/tiny-generator.ts';

const MAX_N = 32;
let t: TestServer;
const post = (path: string, body: unknown, headers?: Record<string, string>) =>
  rawRequest(t.port, 'POST', path, body as object, headers);
const get = (path: string, headers?: Record<string, string>) =>
  rawRequest(t.port, 'GET', path, undefined, headers);

beforeAll(async () => {
  t = await startTestServer(
    async (dir) => {
      await writeTinyModel(dir, 'tiny', { latentDim: 4, weightSeed: 1 });
      await writeTinyModel(dir, 'rgb', { latentDim: 6, height: 4, width: 5, channels: 3, weightSeed: 2 });
    },
    { maxN: MAX_N, maxBodyBytes: 4096, corsOrigins: ['https://embed.example'], device: 'cpu' },
  );
});
afterAll(() => t?.close());

describe('model cards', () => {
  it('lists every model with its card and execution provider', async () => {
    const r = await get('/v1/models');
    expect(r.status).toBe(200);
    const { models } = r.json();
    expect(models.map((m: { name: string }) => m.name)).toEqual(['rgb', 'tiny']);
    const tiny = models[1];
    expect(tiny).toMatchObject({
      status: 'ready',
      executionProvider: 'cpu',
      latent: { size: 4, distribution: 'normal' },
    });
    expect(tiny.card.output).toEqual({ height: 8, width: 8, channels: 1, valueRange: [-1, 1] });
  });

  it('shows one model, and 404 with a JSON error for an unknown one', async () => {
    expect((await get('/v1/models/rgb')).json().image).toEqual({ height: 4, width: 5, channels: 3 });
    const r = await get('/v1/models/nope');
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ error: { code: 'model_not_found', message: "no model named 'nope'" } });
  });
});

describe('POST /v1/models/:name/samples', () => {
  it('draws the same latents as core sampleLatents (what the browser draws) and returns arrays as json', async () => {
    const r = await post('/v1/models/tiny/samples', { n: 3, seed: 42, format: 'json' });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.shape).toEqual([3, 8, 8, 1]);
    const z = sampleLatents({ seed: 42, n: 3, latentDim: 4, distribution: 'normal' });
    expect(body.latents.flat()).toEqual(Array.from(z));
    expect(body.images).toHaveLength(3);
    for (const img of body.images as number[][]) {
      expect(img).toHaveLength(64);
      expect(Math.max(...img.map(Math.abs))).toBeLessThanOrEqual(1);
    }
  });

  it('same seed -> same bytes; another seed -> other bytes', async () => {
    const a = await post('/v1/models/tiny/samples', { n: 4, seed: 7, format: 'png' });
    const b = await post('/v1/models/tiny/samples', { n: 4, seed: 7, format: 'png' });
    const c = await post('/v1/models/tiny/samples', { n: 4, seed: 8, format: 'png' });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('image/png');
    expect(a.body.equals(b.body)).toBe(true);
    expect(a.body.equals(c.body)).toBe(false);
  });

  it('explicit latents give the same images as the seed they came from', async () => {
    const z = sampleLatents({ seed: 5, n: 2, latentDim: 4, distribution: 'normal' });
    const latents = [Array.from(z.subarray(0, 4)), Array.from(z.subarray(4, 8))];
    const given = (await post('/v1/models/tiny/samples', { latents, format: 'json' })).json();
    const seeded = (await post('/v1/models/tiny/samples', { n: 2, seed: 5, format: 'json' })).json();
    expect(given.images).toEqual(seeded.images);
    expect(given.seed).toBeUndefined();
  });

  it('tiles a grid with the requested columns and padding, in png and webp', async () => {
    const png = await post('/v1/models/tiny/samples', { n: 6, seed: 1, grid: { columns: 3, padding: 1 } });
    const meta = await sharp(png.body).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([3 * 8 + 4, 2 * 8 + 3, 1]);
    const webp = await post('/v1/models/rgb/samples', {
      n: 4,
      seed: 1,
      format: 'webp',
      grid: { columns: 4, padding: 0 },
    });
    expect(webp.headers['content-type']).toBe('image/webp');
    const wm = await sharp(webp.body).metadata();
    expect([wm.format, wm.width, wm.height]).toEqual(['webp', 20, 4]);
    // Lossless: decoding the webp gives back the pixels of the png of the same request.
    const pngRgb = await post('/v1/models/rgb/samples', {
      n: 4,
      seed: 1,
      format: 'png',
      grid: { columns: 4, padding: 0 },
    });
    const [p1, p2] = await Promise.all([
      sharp(webp.body).removeAlpha().raw().toBuffer(),
      sharp(pngRgb.body).raw().toBuffer(),
    ]);
    expect(p1.equals(p2)).toBe(true);
  });

  it('returns a float32 NHWC .npy that matches the json values', async () => {
    const npy = await post('/v1/models/rgb/samples', { n: 2, seed: 3, format: 'npy' });
    expect(npy.headers['content-type']).toBe('application/octet-stream');
    expect(npy.body.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = npy.body.readUInt16LE(8);
    expect(npy.body.subarray(10, 10 + headerLen).toString('latin1')).toContain("'shape': (2, 4, 5, 3)");
    const data = new Float32Array(
      npy.body.buffer.slice(npy.body.byteOffset + 10 + headerLen, npy.body.byteOffset + npy.body.length),
    );
    const json = (await post('/v1/models/rgb/samples', { n: 2, seed: 3, format: 'json' })).json();
    expect(Array.from(data)).toEqual((json.images as number[][]).flat());
  });

  it('truncation changes the latents (normal prior: every |z| <= t)', async () => {
    const r = (
      await post('/v1/models/tiny/samples', { n: 8, seed: 1, truncation: 0.5, format: 'json' })
    ).json();
    expect(Math.max(...(r.latents as number[][]).flat().map(Math.abs))).toBeLessThanOrEqual(0.5);
  });
});

describe('bad input -> JSON error naming the field', () => {
  const cases: [string, unknown, number, string, RegExp][] = [
    ['n = 0', { n: 0 }, 400, 'n', /'n'/],
    ['n negative', { n: -3 }, 400, 'n', /'n'/],
    ['n over the limit', { n: MAX_N + 1 }, 400, 'n', new RegExp(`<=${MAX_N}`)],
    ['n not a number', { n: 'four' }, 400, 'n', /number/],
    ['n fractional', { n: 1.5 }, 400, 'n', /int/],
    ['seed wrong type', { seed: 'x' }, 400, 'seed', /'seed'/],
    ['unknown format', { format: 'jpeg' }, 400, 'format', /'format'.*png/],
    ['wrong latent length', { latents: [[1, 2, 3]] }, 400, 'latents[0]', /expected 4 numbers/],
    ['latent not a number', { latents: [[1, 2, 'NaN', 4]] }, 400, 'latents[0][2]', /latents\[0\]\[2\]/],
    ['latent null (JSON for NaN)', { latents: [[1, 2, null, 4]] }, 400, 'latents[0][2]', /latents\[0\]\[2\]/],
    ['n disagrees with latents', { n: 2, latents: [[1, 2, 3, 4]] }, 400, 'n', /n is 2 but 1 latents/],
    ['unknown field', { m: 1 }, 400, '', /unknown field.*'m'/],
    ['bad grid', { grid: { columns: 0 } }, 400, 'grid.columns', /grid\.columns/],
    ['truncation out of range (uniform-safe check)', { truncation: -1 }, 400, 'truncation', /truncation/],
  ];
  for (const [label, body, status, field, message] of cases) {
    it(label, async () => {
      const r = await post('/v1/models/tiny/samples', body);
      expect(r.status).toBe(status);
      const err = r.json().error;
      expect(err.code).toBe('invalid_request');
      expect(err.message).toMatch(message);
      if (field) expect(err.field).toBe(field);
    });
  }

  it('NaN literal / broken JSON -> 400 bad_json', async () => {
    for (const raw of ['{"n": NaN}', '{"n": 1', 'not json']) {
      const r = await post('/v1/models/tiny/samples', raw);
      expect(r.status).toBe(400);
      expect(r.json().error.code).toBe('bad_json');
    }
  });

  it('a body that is not an object -> 400', async () => {
    const r = await post('/v1/models/tiny/samples', '[1,2]');
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('invalid_request');
  });

  it('oversized body -> 413', async () => {
    const big = {
      latents: Array.from({ length: 20 }, () => Array.from({ length: 4 }, () => 0.123456789012345)),
      pad: 'x'.repeat(5000),
    };
    const r = await post('/v1/models/tiny/samples', big);
    expect(r.status).toBe(413);
    expect(r.json().error.code).toBe('payload_too_large');
  });

  it('unknown model on every model route -> 404', async () => {
    expect((await post('/v1/models/ghost/samples', { n: 1 })).status).toBe(404);
    expect((await get('/v1/models/ghost/samples.png')).status).toBe(404);
    expect((await post('/v1/models/ghost/interpolations', { from: 1, to: 2 })).status).toBe(404);
    expect((await get('/v2/models/ghost')).status).toBe(404);
    expect((await post('/v2/models/ghost/infer', {})).status).toBe(404);
  });

  it('unknown route -> JSON 404', async () => {
    const r = await get('/v3/anything');
    expect(r.status).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });
});

describe('model names that try to leave models/', () => {
  const paths = [
    '/v1/models/..',
    '/v1/models/%2e%2e',
    '/v1/models/%2E%2E/samples.png',
    '/v1/models/..%2f..%2fetc%2fpasswd',
    '/v1/models/%2e%2e%2fmodels%2ftiny',
    '/v1/models/tiny%2f..%2f..%2foutside',
    '/v1/models/../../etc/passwd',
    '/v1/models/.%2e/samples.png',
    '/v2/models/%2e%2e%2ftiny/infer',
    '/v1/models/%00tiny',
  ];
  for (const path of paths) {
    it(`${path} -> 404 JSON`, async () => {
      const method = path.endsWith('/infer') ? 'POST' : 'GET';
      const r = await rawRequest(t.port, method, path, method === 'POST' ? {} : undefined);
      expect(r.status).toBe(404);
      expect(r.json().error).toBeDefined();
    });
  }
});

describe('GET /v1/models/:name/samples.png|.webp', () => {
  it('is cacheable: ETag + Cache-Control, 304 on If-None-Match, same bytes as the POST', async () => {
    const r = await get('/v1/models/tiny/samples.png?seed=9&n=4&columns=2');
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toMatch(/public, max-age=\d+/);
    const etag = r.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/v1/models/tiny/samples.png?seed=9&n=4&columns=2', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const other = await get('/v1/models/tiny/samples.png?seed=10&n=4&columns=2');
    expect(other.headers.etag).not.toBe(etag);
    const posted = await post('/v1/models/tiny/samples', { n: 4, seed: 9, grid: { columns: 2 } });
    expect(r.body.equals(posted.body)).toBe(true);
    const webp = await get('/v1/models/tiny/samples.webp?seed=9&n=4');
    expect(webp.headers['content-type']).toBe('image/webp');
  });

  it('allows cross-origin embedding (CORS for the configured origin; CORP cross-origin) and sets security headers', async () => {
    const r = await get('/v1/models/tiny/samples.png?seed=1', { origin: 'https://embed.example' });
    expect(r.headers['access-control-allow-origin']).toBe('https://embed.example');
    expect(r.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    // helmet's headers as configured for API responses (api-headers.ts), computed once at startup.
    expect(r.headers['content-security-policy']).toBe("default-src 'self';frame-ancestors 'none'");
    for (const [name, value] of apiSecurityHeaders()) expect(r.headers[name.toLowerCase()], name).toBe(value);
    // ...and none of the ones meant for HTML documents, nor HSTS over plain HTTP (RFC 6797, 7.2).
    for (const name of [
      'strict-transport-security',
      'x-frame-options',
      'cross-origin-opener-policy',
      'x-xss-protection',
    ])
      expect(r.headers[name], name).toBeUndefined();
    const other = await get('/v1/models/tiny/samples.png?seed=1', { origin: 'https://evil.example' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('bad query values -> 400 naming the parameter', async () => {
    for (const [q, field] of [
      ['n=0', 'n'],
      ['n=abc', 'n'],
      ['seed=-1', 'seed'],
      ['columns=1.5', 'columns'],
      ['bogus=1', ''],
    ] as const) {
      const r = await get(`/v1/models/tiny/samples.png?${q}`);
      expect(r.status, q).toBe(400);
      if (field) expect(r.json().error.field).toBe(field);
    }
    expect((await get('/v1/models/tiny/samples.jpg')).status).toBe(404);
  });
});

describe('POST /v1/models/:name/interpolations', () => {
  it('an animated GIF with one frame per step', async () => {
    const r = await post('/v1/models/tiny/interpolations', { from: 1, to: 2, steps: 5, mode: 'linear' });
    expect(r.headers['content-type']).toBe('image/gif');
    const meta = await sharp(r.body, { animated: true }).metadata();
    expect([meta.format, meta.pages, meta.pageHeight, meta.width]).toEqual(['gif', 5, 8, 8]);
  });

  it('an animated WebP through several seeds (shared ends once), boomerang', async () => {
    const r = await post('/v1/models/rgb/interpolations', {
      seeds: [1, 2, 3],
      steps: 4,
      format: 'webp',
      boomerang: true,
    });
    const meta = await sharp(r.body, { animated: true }).metadata();
    // 3 seeds, 4 frames per segment: 4 + 3 = 7 frames, boomerang adds 5 back.
    expect([meta.format, meta.pages]).toEqual(['webp', 12]);
  });

  it("frames as json start and end at the seeds' latents; spherical differs from linear in between", async () => {
    const lin = (
      await post('/v1/models/tiny/interpolations', {
        from: 3,
        to: 4,
        steps: 3,
        mode: 'linear',
        format: 'json',
      })
    ).json();
    const sph = (
      await post('/v1/models/tiny/interpolations', {
        from: 3,
        to: 4,
        steps: 3,
        mode: 'spherical',
        format: 'json',
      })
    ).json();
    const za = Array.from(sampleLatents({ seed: 3, n: 1, latentDim: 4, distribution: 'normal' }));
    const zb = Array.from(sampleLatents({ seed: 4, n: 1, latentDim: 4, distribution: 'normal' }));
    expect(lin.latents[0]).toEqual(za);
    expect(lin.latents[2]).toEqual(zb);
    expect(sph.latents[0]).toEqual(za);
    expect(sph.latents[1]).not.toEqual(lin.latents[1]);
    expect(lin.shape).toEqual([3, 8, 8, 1]);
    const strip = await post('/v1/models/tiny/interpolations', { from: 3, to: 4, steps: 3, format: 'png' });
    const meta = await sharp(strip.body).metadata();
    expect([meta.width, meta.height]).toEqual([24, 8]);
  });

  it('bad requests -> 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ from: 1 }, 'seeds'],
      [{ from: 1, to: 2, steps: 1 }, 'steps'],
      [{ from: 1, to: 2, mode: 'cubic' }, 'mode'],
      [{ from: 1, to: 2, format: 'mp4' }, 'format'],
      [{ seeds: [1, 2, 3], steps: MAX_N }, 'steps'],
    ];
    for (const [body, field] of cases) {
      const r = await post('/v1/models/tiny/interpolations', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json().error.field).toBe(field);
    }
  });
});

describe('Open Inference Protocol (KServe v2)', () => {
  it('health, server and model metadata, model ready', async () => {
    expect((await get('/v2/health/live')).json()).toEqual({ live: true });
    expect((await get('/v2/health/ready')).status).toBe(200);
    expect((await get('/v2')).json().name).toBe('ganforge');
    expect((await get('/v2/models/tiny')).json()).toEqual({
      name: 'tiny',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'latent', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 8, 8, 1] }],
    });
    expect((await get('/v2/models/tiny/ready')).json()).toEqual({ name: 'tiny', ready: true });
  });

  it('infer: latent tensor in, image tensor out, equal to the v1 result for the same latents', async () => {
    const z = Array.from(sampleLatents({ seed: 11, n: 2, latentDim: 4, distribution: 'normal' }));
    const r = await post('/v2/models/tiny/infer', {
      id: 'req-1',
      inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', data: z }],
      outputs: [{ name: 'image' }],
    });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ model_name: 'tiny', model_version: '1', id: 'req-1' });
    expect(body.outputs[0]).toMatchObject({ name: 'image', datatype: 'FP32', shape: [2, 8, 8, 1] });
    const v1 = (await post('/v1/models/tiny/samples', { n: 2, seed: 11, format: 'json' })).json();
    expect(body.outputs[0].data).toEqual((v1.images as number[][]).flat());
    // Nested (row-major) data is accepted too.
    const nested = await post('/v2/models/tiny/infer', {
      inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', data: [z.slice(0, 4), z.slice(4)] }],
    });
    expect(nested.json().outputs[0].data).toEqual(body.outputs[0].data);
  });

  it('errors use the protocol shape {error: string}', async () => {
    const bad: [unknown, RegExp][] = [
      [
        { inputs: [{ name: 'latent', shape: [1, 3], datatype: 'FP32', data: [0, 0, 0] }] },
        /shape: expected \[N, 4\]/,
      ],
      [
        { inputs: [{ name: 'z', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }] },
        /name: expected 'latent'/,
      ],
      [{ inputs: [{ name: 'latent', shape: [1, 4], datatype: 'INT8', data: [0, 0, 0, 0] }] }, /datatype/],
      [
        { inputs: [{ name: 'latent', shape: [2, 4], datatype: 'FP32', data: [0, 0, 0, 0] }] },
        /expected 8 numbers/,
      ],
      [{ inputs: [{ name: 'latent', shape: [1, 4], datatype: 'FP32', data: [0, 0, 'x', 0] }] }, /data/],
      [
        {
          inputs: [{ name: 'latent', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, 0] }],
          outputs: [{ name: 'logits' }],
        },
        /unknown output/,
      ],
    ];
    for (const [body, message] of bad) {
      const r = await post('/v2/models/tiny/infer', body);
      expect(r.status).toBe(400);
      expect(typeof r.json().error).toBe('string');
      expect(r.json().error).toMatch(message);
    }
  });
});

describe('health, readiness, metrics, openapi', () => {
  it('/healthz and /readyz', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const r = await get('/readyz');
    expect(r.status).toBe(200);
    expect(r.json().models).toEqual([
      { name: 'rgb', status: 'ready', executionProvider: 'cpu' },
      { name: 'tiny', status: 'ready', executionProvider: 'cpu' },
    ]);
  });

  it('/metrics has requests by route and status, latency, queue wait, batch size, samples, provider', async () => {
    await post('/v1/models/tiny/samples', { n: 3, seed: 1 });
    await post('/v1/models/tiny/samples', { n: 0 });
    const text = (await get('/metrics')).body.toString();
    expect(text).toMatch(
      /ganforge_http_requests_total\{route="\/v1\/models\/:name\/samples",method="POST",status="200"\} \d+/,
    );
    expect(text).toMatch(
      /ganforge_http_requests_total\{route="\/v1\/models\/:name\/samples",method="POST",status="400"\} \d+/,
    );
    expect(text).toMatch(/ganforge_http_request_duration_seconds_bucket\{le="0.1",route=/);
    expect(text).toMatch(/ganforge_queue_wait_seconds_count\{model="tiny"\} \d+/);
    expect(text).toMatch(/ganforge_batch_size_bucket\{le="4",model="tiny"\} \d+/);
    expect(text).toMatch(/ganforge_samples_generated_total\{model="tiny"\} \d+/);
    expect(text).toMatch(
      /ganforge_model_info\{model="tiny",status="ready",provider="cpu",generation="1"\} 1/,
    );
  });

  it('/openapi.json is generated from the request schemas (limits included)', async () => {
    const doc = (await get('/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.3');
    const schema = doc.paths['/v1/models/{name}/samples'].post.requestBody.content['application/json'].schema;
    expect(schema.properties.n.maximum).toBe(MAX_N);
    expect(schema.properties.format.enum).toEqual(['png', 'webp', 'json', 'npy']);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v2/models/{name}/infer', '/readyz', '/metrics']),
    );
    const q = doc.paths['/v1/models/{name}/samples.png'].get.parameters.map((p: { name: string }) => p.name);
    expect(q).toEqual(['name', 'seed', 'n', 'columns', 'padding', 'truncation', 'class', 'layout']);
  });
});
