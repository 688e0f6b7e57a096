/**
 * SamplerController's scheduling and model loading, in Node with a real onnxruntime-web session running
 * the shipped models/mnist-dcgan generator (see sampler-controller.test.ts for what it draws).
 */
import { describe, expect, it } from 'vitest';
import { sampleLatents } from '@ganforge/core';
import { SHIPPED_LATENT_DIM, useControllerFixture } from '../testing/controller-fixture.ts';
import type { SampleDetail } from './sampler-controller.ts';

const fx = useControllerFixture();

describe('SamplerController with onnxruntime-web in Node: scheduling and loading', () => {
  it('coalesces: of the requests made while one runs only the newest runs, and all of them get its result', async () => {
    const burst: Promise<SampleDetail>[] = [];
    const h = fx.harness(
      { model: 'mnist-dcgan', seed: '1', n: '1' },
      {
        hooks: {
          // While the first request runs (loading the model), a burst of requests: a slider being dragged.
          loading: () => {
            for (let seed = 2; seed <= 6; seed++) {
              h.attrs.seed = String(seed);
              burst.push(
                seed === 4
                  ? h.controller.setLatents(new Float32Array(SHIPPED_LATENT_DIM))
                  : h.controller.sample(),
              );
            }
          },
        },
      },
    );
    const overtaken = h.controller.sample(); // overtaken by the next one before it could start
    const first = h.controller.sample();
    expect(await first).toMatchObject({ seed: 1 });
    expect(await overtaken).toBe(await first);
    expect(burst).toHaveLength(5);
    const details = await Promise.all(burst);
    expect(h.log).toEqual([
      'loading mnist-dcgan',
      'load mnist-dcgan',
      'sample 1',
      'settled ok',
      'sample 6',
      'settled ok',
    ]);
    expect(h.results[1]!.detail.seed).toBe(6);
    for (const d of details) expect(d).toBe(h.results[1]!.detail); // one run answered all five
    expect(Array.from(h.controller.current!.latents)).toEqual(
      Array.from(sampleLatents({ seed: 6, n: 1, latentDim: SHIPPED_LATENT_DIM, distribution: 'uniform' })),
    );
  });

  it('runs requests one at a time in the order made, reading the settings when each one starts', async () => {
    let clock = 0;
    const h = fx.harness(
      { model: 'mnist-dcgan', seed: '1', n: '2' },
      // Each run reads the clock when it starts and when it ends; the log shows whether runs overlap.
      { now: () => (h.log.push(`clock ${clock}`), (clock += 10)) - 10 },
    );
    const p1 = h.controller.sample();
    h.attrs.seed = '5'; // read when p1 starts (in a microtask), not when sample() was called
    await new Promise((r) => setTimeout(r, 0));
    const p2 = h.controller.setLatents(new Float32Array(SHIPPED_LATENT_DIM)); // p1 has started: p2 waits for it
    const [d1, d2] = await Promise.all([p1, p2]);
    expect([d1.seed, d2.seed, d2.n]).toEqual([5, null, 1]);
    expect(h.results.map((r) => r.detail)).toEqual([d1, d2]);
    expect([d1.ms, d1.msPerSample, d2.ms, d2.msPerSample]).toEqual([10, 5, 10, 10]);
    expect(h.log).toEqual([
      'loading mnist-dcgan',
      'load mnist-dcgan',
      'clock 0',
      'clock 10',
      'sample 5',
      'settled ok',
      'clock 20',
      'clock 30',
      'sample null',
      'settled ok',
    ]);
  });

  it('loads a model once, and a change of backend makes a new session after freeing the old one, as release() does', async () => {
    const h = fx.harness({ model: 'mnist-dcgan', n: '1' });
    const before = fx.onnxFetches['mnist-dcgan'] ?? 0;
    await Promise.all([h.controller.sample(), h.controller.sample()]);
    await h.controller.sample();
    await h.controller.setLatents(new Float32Array(SHIPPED_LATENT_DIM));
    expect(fx.onnxFetches['mnist-dcgan']).toBe(before + 1);
    expect(h.generators).toHaveLength(1);

    h.attrs.backend = 'webgpu'; // Node has no WebGPU: a new session on wasm, saying why
    const d = await h.controller.sample();
    expect(d.note).toMatch(/WebGPU is not available in this browser; using wasm/);
    expect(fx.onnxFetches['mnist-dcgan']).toBe(before + 2);
    expect(h.generators).toHaveLength(2);
    // The old session was freed before the new model was fetched.
    expect(h.log.slice(-5)).toEqual([
      'loading mnist-dcgan',
      'dispose 0',
      'load mnist-dcgan',
      'sample 0',
      'settled ok',
    ]);
    const z = new Float32Array(SHIPPED_LATENT_DIM);
    await expect(h.generators[1]!.run(z, 1, SHIPPED_LATENT_DIM, h.controller.facts!)).resolves.toMatchObject({
      n: 1,
    });

    await h.controller.release();
    expect(h.controller.facts).toBeUndefined();
    expect(h.log.at(-1)).toBe('dispose 1');
    await h.controller.sample(); // loads again
    expect(fx.onnxFetches['mnist-dcgan']).toBe(before + 3);
  });
});
