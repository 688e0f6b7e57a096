import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, waitFor, type TestServer } from '../testing/harness.ts';
import { tinyCard, writeTinyModel } from '../testing/tiny-generator.ts';

describe('broken model directories at startup', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(async (dir) => {
      await writeTinyModel(dir, 'good');
      await writeTinyModel(dir, 'corrupt', {
        onnxBytes: new TextEncoder().encode('this is not an onnx file'),
      });
      await mkdir(join(dir, 'missing'));
      await writeFile(join(dir, 'missing', 'card.json'), JSON.stringify(tinyCard('missing')));
      await writeTinyModel(dir, 'badcard', {
        card: { ...tinyCard('badcard'), output: { height: 8, width: 8, channels: 4, valueRange: [-1, 1] } },
      });
      await writeTinyModel(dir, 'mismatch', {
        card: { ...tinyCard('mismatch'), latent: { size: 5, distribution: 'normal' } },
      });
      // models/evaluators/ (the eval classifiers) is not a generator and is not served
      await mkdir(join(dir, 'evaluators', 'mnist'), { recursive: true });
    });
  });
  afterAll(() => t?.close());

  it('are reported in /readyz (503) with the reason, and the good model still serves', async () => {
    const r = await rawRequest(t.port, 'GET', '/readyz');
    expect(r.status).toBe(503);
    const byName = Object.fromEntries(
      (r.json().models as { name: string; error: { message: string } }[]).map((m) => [m.name, m]),
    );
    expect(byName.good).toMatchObject({ status: 'ready' });
    expect(byName.corrupt).toMatchObject({ status: 'failed', error: { code: 'model_load_failed' } });
    expect(byName.missing).toMatchObject({ status: 'failed', error: { code: 'model_missing' } });
    expect(byName.badcard).toMatchObject({ status: 'failed', error: { code: 'bad_model_card' } });
    expect(byName.badcard!.error.message).toMatch(/output\.channels/);
    expect(byName.mismatch).toMatchObject({ status: 'failed', error: { code: 'model_mismatch' } });
    expect(Object.keys(byName).sort()).toEqual(['badcard', 'corrupt', 'good', 'mismatch', 'missing']);
    // Errors name files relative to the models folder, never the server's paths.
    expect(byName.missing!.error.message).toContain('missing/model.onnx');
    expect(r.body.toString()).not.toContain(t.modelsDir);
    expect((await rawRequest(t.port, 'POST', '/v1/models/good/samples', { n: 2 })).status).toBe(200);
    const failed = await rawRequest(t.port, 'POST', '/v1/models/corrupt/samples', { n: 2 });
    expect(failed.status).toBe(503);
    expect(failed.json().error.code).toBe('model_not_ready');
    expect((await rawRequest(t.port, 'GET', '/v2/models/corrupt/ready')).status).toBe(503);
    expect((await rawRequest(t.port, 'GET', '/v2/health/ready')).status).toBe(503);
  });
});

describe('hot reload', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'a', { weightSeed: 1 }).then(() => {}), {
      watch: true,
      workers: 1,
      intraOpThreads: 1,
    });
  });
  afterAll(() => t?.close());

  const model = async (name: string) => rawRequest(t.port, 'GET', `/v1/models/${name}`);
  const sample = async (name: string) =>
    rawRequest(t.port, 'POST', `/v1/models/${name}/samples`, { n: 2, seed: 3, format: 'json' });

  it('picks up an added model directory', async () => {
    expect((await model('b')).status).toBe(404);
    await writeTinyModel(t.modelsDir, 'b', { weightSeed: 2 });
    await waitFor(async () => (await model('b')).json().status === 'ready', 10_000, 'model b');
    expect((await sample('b')).json().shape).toEqual([2, 8, 8, 1]);
  });

  it('replaces a model without dropping a request in flight on the old version', async () => {
    const before = (await sample('a')).json().images;
    // Swap in a slow version first so a request is surely in flight during the next swap.
    await writeTinyModel(t.modelsDir, 'a', { weightSeed: 5, hidden: { width: 1024, layers: 200 } });
    await waitFor(async () => (await model('a')).json().generation === 2, 10_000, 'generation 2');
    const big = { n: 256, seed: 3, format: 'npy' };
    const inFlight = rawRequest(t.port, 'POST', '/v1/models/a/samples', big);
    await new Promise((r) => setTimeout(r, 30));
    // Replace the directory as a deploy would: build next to it, then rename over it.
    const staging = join(t.modelsDir, '..', 'staging');
    await writeTinyModel(staging, 'a', { weightSeed: 9 });
    await rm(join(t.modelsDir, 'a'), { recursive: true });
    await rename(join(staging, 'a'), join(t.modelsDir, 'a'));
    const r = await inFlight;
    await waitFor(async () => (await model('a')).json().generation === 3, 10_000, 'generation 3');
    // The request running on the old version when its files were replaced got its full answer, from
    // the old version (the new one answers the same request differently). A session.run cannot be
    // interrupted, so the new version loads once the worker is free.
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(128 + 256 * 64 * 4);
    const fromNew = await rawRequest(t.port, 'POST', '/v1/models/a/samples', big);
    expect(fromNew.body.equals(r.body)).toBe(false);
    const after = (await sample('a')).json().images;
    expect(after).not.toEqual(before);
  });

  it('drops a removed model directory (404), keeps the others', async () => {
    await rm(join(t.modelsDir, 'b'), { recursive: true });
    await waitFor(async () => (await model('b')).status === 404, 10_000, 'b removed');
    expect((await sample('b')).status).toBe(404);
    expect((await sample('a')).status).toBe(200);
  });

  it('answers the requests a removed model had already accepted', async () => {
    await writeTinyModel(t.modelsDir, 'c', { hidden: { width: 1024, layers: 100 } });
    await waitFor(async () => (await model('c')).json().status === 'ready', 10_000, 'model c');
    const accepted = [1, 2, 3].map((seed) =>
      rawRequest(t.port, 'POST', '/v1/models/c/samples', { n: 128, seed, format: 'npy' }),
    );
    await new Promise((r) => setTimeout(r, 30));
    await rm(join(t.modelsDir, 'c'), { recursive: true });
    for (const r of await Promise.all(accepted)) expect(r.status).toBe(200);
    await waitFor(async () => (await model('c')).status === 404, 10_000, 'c removed');
  });

  it('keeps serving the previous version when a replacement is corrupt, and reports it', async () => {
    await writeTinyModel(t.modelsDir, 'a', { onnxBytes: new Uint8Array([1, 2, 3]) });
    await waitFor(
      async () => (await model('a')).json().error !== undefined,
      10_000,
      'failed reload reported',
    );
    expect((await model('a')).json()).toMatchObject({
      status: 'ready',
      generation: 3,
      error: { code: 'model_load_failed' },
    });
    expect((await sample('a')).status).toBe(200);
    // Still ready: the previous version serves. Replicas that all got the same bad file must not all
    // leave the load balancer; the failure is in the body.
    const ready = await rawRequest(t.port, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json().models.find((m: { name: string }) => m.name === 'a').error.code).toBe(
      'model_load_failed',
    );
  });
});

describe('a folder swapped by rm + rename', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer((dir) => writeTinyModel(dir, 'a', { weightSeed: 1 }).then(() => {}), {
      workers: 1,
      intraOpThreads: 1,
    });
  });
  afterAll(() => t?.close());

  it('is a replacement: the model keeps serving in between and its generation goes on', async () => {
    const view = async () => (await rawRequest(t.port, 'GET', '/v1/models/a')).json();
    expect((await view()).generation).toBe(1);
    await writeTinyModel(join(t.modelsDir, '..', 'next'), 'a', { weightSeed: 2 });
    await rm(join(t.modelsDir, 'a'), { recursive: true });
    // A scan lands between the rm and the rename (as a periodic rescan can).
    await t.server.registry.scan();
    expect((await view()).status).toBe('ready');
    expect(
      (await rawRequest(t.port, 'POST', '/v1/models/a/samples', { n: 1, seed: 1, format: 'npy' })).status,
    ).toBe(200);
    await rename(join(t.modelsDir, '..', 'next', 'a'), join(t.modelsDir, 'a'));
    await t.server.registry.scan();
    expect(await view()).toMatchObject({ status: 'ready', generation: 2 });
  });

  it('is removed once its folder has stayed gone', async () => {
    await rm(join(t.modelsDir, 'a'), { recursive: true });
    await t.server.registry.scan();
    await waitFor(
      async () => {
        await t.server.registry.scan();
        return (await rawRequest(t.port, 'GET', '/v1/models/a')).status === 404;
      },
      10_000,
      'a removed',
    );
  });
});
