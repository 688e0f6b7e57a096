import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, type TestServer } from '../testing/harness.ts';
import { tinyCard, writeTinyModel } from '../testing/tiny-generator.ts';
import { servingLimits } from './serving-limits.ts';

describe('servingLimits: min(card, server) for each limit', () => {
  const server = { maxBatch: 64, maxN: 256 };

  it("a card lowers a limit for its model, never raises it past the server's", () => {
    const card = tinyCard('m');
    expect(servingLimits({ ...card, serving: { maxBatch: 8, maxSamplesPerRequest: 16 } }, server)).toEqual({
      maxBatch: 8,
      maxSamplesPerRequest: 16,
    });
    expect(
      servingLimits({ ...card, serving: { maxBatch: 1000, maxSamplesPerRequest: 1000 } }, server),
    ).toEqual({ maxBatch: 64, maxSamplesPerRequest: 256 });
  });

  it("a card without the section, or without a key, gets the server's setting", () => {
    const card = tinyCard('m');
    expect(servingLimits(card, server)).toEqual({ maxBatch: 64, maxSamplesPerRequest: 256 });
    expect(servingLimits({ ...card, serving: { maxBatch: 4 } }, server)).toEqual({
      maxBatch: 4,
      maxSamplesPerRequest: 256,
    });
  });
});

describe("a card's serving.maxSamplesPerRequest below the server's --max-n", () => {
  let t: TestServer;
  const post = (path: string, body: object) => rawRequest(t.port, 'POST', path, body);
  beforeAll(async () => {
    t = await startTestServer(
      async (dir) => {
        await writeTinyModel(dir, 'capped', {
          card: { ...tinyCard('capped'), serving: { maxSamplesPerRequest: 6 } },
        });
        await writeTinyModel(dir, 'free');
        await writeTinyModel(dir, 'zero', { card: { ...tinyCard('zero'), serving: { maxBatch: 0 } } });
        await writeTinyModel(dir, 'text', {
          card: { ...tinyCard('text'), serving: { maxSamplesPerRequest: 'many' } },
        });
      },
      { workers: 1, maxN: 32 },
    );
  });
  afterAll(() => t?.close());

  it('refuses a bigger request to that model with 400 naming the card limit; the limit itself is served', async () => {
    const refused = await post('/v1/models/capped/samples', { n: 7, format: 'json' });
    expect(refused.status).toBe(400);
    expect(refused.json().error).toMatchObject({
      code: 'invalid_request',
      field: 'n',
      message:
        "body field 'n': 7 samples asked, but model 'capped' takes at most 6 per request (serving.maxSamplesPerRequest in its card)",
    });
    expect((await post('/v1/models/capped/samples', { n: 6, format: 'json' })).json().shape).toEqual([
      6, 8, 8, 1,
    ]);
    // The same request to a model without the limit is only held to the server's --max-n (32).
    expect((await post('/v1/models/free/samples', { n: 7 })).status).toBe(200);
    const overServer = await post('/v1/models/capped/samples', { n: 33 });
    expect(overServer.json().error.message).toMatch(/<=32/); // the server's limit, checked first, as before
  });

  it('holds every route that generates to it: latents, GET samples.png, interpolations, v2 infer', async () => {
    const latents = Array.from({ length: 7 }, () => [0, 0, 0, 0]);
    const byLatents = await post('/v1/models/capped/samples', { latents, format: 'json' });
    expect(byLatents.status).toBe(400);
    expect(byLatents.json().error).toMatchObject({ field: 'latents' });
    expect(byLatents.json().error.message).toMatch(/at most 6 per request \(serving\.maxSamplesPerRequest/);

    const png = await rawRequest(t.port, 'GET', '/v1/models/capped/samples.png?n=7');
    expect(png.status).toBe(400);
    expect(png.json().error).toMatchObject({ field: 'n' });
    expect(png.json().error.message).toMatch(/^query field 'n': 7 samples asked, but model 'capped'/);
    expect((await rawRequest(t.port, 'GET', '/v1/models/capped/samples.png?n=6')).status).toBe(200);

    const walk = await post('/v1/models/capped/interpolations', { from: 1, to: 2, steps: 7 });
    expect(walk.status).toBe(400);
    expect(walk.json().error).toMatchObject({ field: 'steps' });
    expect(walk.json().error.message).toMatch(/the walk has 7 frames, but model 'capped' takes at most 6/);

    const v2 = await post('/v2/models/capped/infer', {
      inputs: [{ name: 'latent', shape: [7, 4], datatype: 'FP32', data: latents }],
    });
    expect(v2.status).toBe(400);
    expect(v2.json()).toEqual({
      code: 'invalid_request',
      error:
        "inputs[0].shape: N is 7, but model 'capped' takes at most 6 per request (serving.maxSamplesPerRequest in its card)",
    });
  });

  it("lowers the defaults (GET n, interpolation steps) to that model's limit, as to --max-n; others keep 16", async () => {
    const get = async (path: string) => {
      const r = await rawRequest(t.port, 'GET', path);
      expect(r.status, path).toBe(200);
      return r.body;
    };
    expect(
      (await get('/v1/models/capped/samples.png')).equals(await get('/v1/models/capped/samples.png?n=6')),
    ).toBe(true);
    expect(
      (await get('/v1/models/free/samples.png')).equals(await get('/v1/models/free/samples.png?n=16')),
    ).toBe(true);
    const walk = (model: string, extra: object) =>
      post(`/v1/models/${model}/interpolations`, { from: 1, to: 2, ...extra });
    const byDefault = await walk('capped', {});
    expect(byDefault.status).toBe(200);
    expect(byDefault.body.equals((await walk('capped', { steps: 6 })).body)).toBe(true);
    expect((await walk('free', {})).body.equals((await walk('free', { steps: 16 })).body)).toBe(true);
  });

  it('a card with a bad serving value does not load, and says which field and value', async () => {
    const models = (await rawRequest(t.port, 'GET', '/v1/models')).json().models as {
      name: string;
      status: string;
      error?: { code: string; message: string };
    }[];
    const byName = Object.fromEntries(models.map((m) => [m.name, m]));
    expect(byName.zero).toMatchObject({ status: 'failed', error: { code: 'bad_model_card' } });
    expect(byName.zero!.error!.message).toMatch(/^model card field 'serving\.maxBatch': .*\(got 0\)$/);
    expect(byName.text).toMatchObject({ status: 'failed', error: { code: 'bad_model_card' } });
    expect(byName.text!.error!.message).toMatch(
      /^model card field 'serving\.maxSamplesPerRequest': .*number.*\(got "many"\)$/,
    );
    expect(byName.capped).toMatchObject({ status: 'ready', card: { serving: { maxSamplesPerRequest: 6 } } });
    expect(byName.free).toMatchObject({ status: 'ready' });
    expect((await post('/v1/models/zero/samples', { n: 1 })).status).toBe(503);
  });
});
