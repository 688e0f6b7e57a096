/**
 * SamplerController in Node with a real onnxruntime-web session (wasm backend, one thread) running the
 * shipped models/mnist-dcgan generator, fetched over HTTP from mountWeb as the browser fetches it: what
 * it draws, and how it fails. Scheduling and loading: sampler-scheduling.test.ts.
 */
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sampleLatents, tileGrid, toUint8Pixels } from '@ganforge/core';
import {
  expectRefusal,
  maxDiff,
  SHIPPED_LATENT_DIM,
  SHIPPED_MODEL,
  useControllerFixture,
} from '../testing/controller-fixture.ts';

const fx = useControllerFixture();

describe('SamplerController with onnxruntime-web in Node: results and errors', () => {
  it('runs the seeded latents through the model as onnxruntime-node does, and tiles them like the server', async () => {
    const h = fx.harness({ model: 'mnist-dcgan', seed: '42', n: '4' });
    const detail = await h.controller.sample();
    const z = sampleLatents({ seed: 42, n: 4, latentDim: SHIPPED_LATENT_DIM, distribution: 'uniform' });
    const result = h.controller.current!;
    expect(Array.from(result.latents)).toEqual(Array.from(z));
    expect(result.output).toMatchObject({ n: 4, height: 28, width: 28, channels: 1 });

    const session = await ortNode.InferenceSession.create(join(SHIPPED_MODEL, 'model.onnx'));
    const out = await session.run({ latent: new ortNode.Tensor('float32', z, [4, SHIPPED_LATENT_DIM]) });
    const reference = out.image!.data as Float32Array;
    await session.release();
    expect(maxDiff(result.output.data, reference)).toBeLessThan(1e-4);
    const serverGrid = tileGrid({
      images: toUint8Pixels(reference),
      n: 4,
      height: 28,
      width: 28,
      channels: 1,
    });
    expect(maxDiff(result.grid.pixels, serverGrid.pixels)).toBeLessThanOrEqual(1);
    expect(new Set(result.grid.pixels).size).toBeGreaterThan(20); // a picture, not a blank grid

    expect(detail).toBe(result.detail);
    expect(detail).toMatchObject({
      model: 'mnist-dcgan',
      seed: 42,
      truncation: null,
      n: 4,
      latentDim: SHIPPED_LATENT_DIM,
      backend: 'wasm',
      threads: 1,
      crossOriginIsolated: false,
      width: 2 * 28 + 3 * 2,
      height: 2 * 28 + 3 * 2,
    });
    expect(detail.note).toMatch(/single-threaded/);
    expect(h.loads).toEqual([{ model: 'mnist-dcgan', ...h.controller.runtime }]);
    expect(h.controller.facts).toMatchObject({ latentDim: SHIPPED_LATENT_DIM, distribution: 'uniform' });
    expect(h.log).toEqual(['loading mnist-dcgan', 'load mnist-dcgan', 'sample 42', 'settled ok']);
  });

  it('gives identical pixels for the same seed in a fresh session, and different ones for another seed', async () => {
    const a = fx.harness({ model: 'mnist-dcgan', seed: '7', n: '9', columns: '9' });
    const b = fx.harness({ model: 'mnist-dcgan', seed: '7', n: '9', columns: '9' });
    await a.controller.sample();
    await b.controller.sample();
    expect(a.generators[0]).not.toBe(b.generators[0]);
    const first = a.controller.current!.grid;
    expect(b.controller.current!.grid.pixels).toEqual(first.pixels);
    expect([first.width, first.height]).toEqual([9 * 28 + 10 * 2, 28 + 2 * 2]); // one row of 9
    b.attrs.seed = '8';
    await b.controller.sample();
    expect(maxDiff(b.controller.current!.grid.pixels, first.pixels)).toBeGreaterThan(50);
  });

  it('draws truncated latents, and setLatents draws exactly the given ones (copied when called)', async () => {
    const h = fx.harness({ model: 'mnist-dcgan', seed: '3', n: '2', truncation: '0.5' });
    expect(await h.controller.sample()).toMatchObject({ seed: 3, truncation: 0.5, n: 2 });
    const truncated = sampleLatents({
      seed: 3,
      n: 2,
      latentDim: SHIPPED_LATENT_DIM,
      distribution: 'uniform',
      truncation: 0.5,
    });
    expect(Array.from(h.controller.current!.latents)).toEqual(Array.from(truncated));

    const z = new Float32Array(3 * SHIPPED_LATENT_DIM).fill(0.25);
    const pending = h.controller.setLatents(z);
    z.fill(-1);
    expect(await pending).toMatchObject({ seed: null, truncation: null, n: 3, width: 2 * 28 + 3 * 2 });
    expect(h.controller.current!.latents.every((v) => v === 0.25)).toBe(true);
    const [x, y] = [
      h.controller.current!.output.data.slice(0, 784),
      h.controller.current!.output.data.slice(784, 1568),
    ];
    expect(maxDiff(x, y)).toBe(0); // equal latents, equal images
  });

  it('surfaces failures as GanforgeErrors with a code and a hint, keeps the last result, and clears them on success', async () => {
    const h = fx.harness({ model: 'mnist-dcgan', seed: '2', n: '1' });
    await h.controller.sample();
    const good = h.controller.current;
    const failure = async (request: () => Promise<unknown>) => {
      const { code, message, hint } = await expectRefusal(h, good, request);
      expect(hint).toBeTruthy();
      return { code, message };
    };

    h.attrs.model = 'broken';
    expect(await failure(() => h.controller.sample())).toEqual({
      code: 'model_load_failed',
      message: expect.stringMatching(/^model “broken” could not be loaded: .*protobuf parsing failed/),
    });
    h.attrs.model = 'no-such-model';
    expect(await failure(() => h.controller.sample())).toMatchObject({
      code: 'model_not_found',
      message: expect.stringMatching(/model "no-such-model" not found/),
    });
    h.attrs.model = 'mnist-dcgan';
    h.attrs.n = '0';
    expect(await failure(() => h.controller.sample())).toMatchObject({ code: 'bad_attribute' });
    h.attrs.n = '1';
    expect(
      await failure(() => h.controller.setLatents(new Float32Array(SHIPPED_LATENT_DIM + 1))),
    ).toMatchObject({
      code: 'bad_latents',
      message: expect.stringMatching(/101 values, not a positive multiple of the latent size 100/),
    });
    delete h.attrs.model;
    expect(await failure(() => h.controller.sample())).toMatchObject({ code: 'no_model' });

    h.attrs.model = 'mnist-dcgan';
    h.attrs.seed = '9';
    await h.controller.sample();
    expect(h.settled.at(-1)).toBeUndefined();
    expect(h.controller.current?.detail.seed).toBe(9);

    const noWasm = fx.harness({ model: 'mnist-dcgan' }, { hasWebAssembly: () => false });
    await expect(noWasm.controller.sample()).rejects.toMatchObject({ code: 'no_webassembly' });
  });

  it('a render hook that throws fails that request and leaves the previous result current', async () => {
    let fail = false;
    const h = fx.harness(
      { model: 'mnist-dcgan', seed: '1', n: '1' },
      {
        hooks: {
          render: () => {
            if (fail) throw new Error('no 2D context');
          },
        },
      },
    );
    const ok = await h.controller.sample();
    fail = true;
    h.attrs.seed = '2';
    await expect(h.controller.sample()).rejects.toThrow('no 2D context');
    expect(h.controller.current?.detail).toBe(ok);
  });
});
