import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleLatents } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchScheduler } from './batch-scheduler.ts';
import { defaultInlineThreads } from './inline-sessions.ts';
import { WorkerPool, type RunRequest } from './worker-pool.ts';

const MODELS = fileURLToPath(new URL('../../../../models', import.meta.url));

/** The shipped generators: an unconditional DCGAN and a class-conditional one. */
const SHIPPED = [
  { name: 'mnist-dcgan', classInput: undefined },
  { name: 'mnist-cdcgan', classInput: 'class' },
] as const;

function request(key: string, n: number, seed: number, classInput: string | undefined): RunRequest {
  return {
    key,
    inputName: 'latent',
    outputName: 'image',
    latents: sampleLatents({ seed, n, latentDim: 100, distribution: 'uniform' }),
    n,
    latentDim: 100,
    ...(classInput
      ? { classes: { inputName: classInput, ids: Int32Array.from({ length: n }, (_, i) => (i * 3) % 10) } }
      : {}),
  };
}

const bytes = (a: Float32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('inline sessions (a lone small request on the HTTP thread)', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    // Two inline intra-op threads (the default on two cores or more) against workers' one.
    pool = new WorkerPool({ workers: 2, intraOpThreads: 1, inline: true, inlineThreads: 2 });
    for (const m of SHIPPED) {
      const card = JSON.parse(readFileSync(join(MODELS, m.name, 'card.json'), 'utf8'));
      expect(card.name).toBe(m.name);
      await pool.load(`${m.name}#1`, readFileSync(join(MODELS, m.name, 'model.onnx')), 'cpu');
    }
  });
  afterAll(() => pool?.close());

  it.each(SHIPPED)(
    '$name: the same bytes as a worker thread, for the same latents',
    async ({ name, classInput }) => {
      for (const n of [1, 3, 4]) {
        const inline = await pool.runInline(request(`${name}#1`, n, 40 + n, classInput));
        const worker = await pool.run(request(`${name}#1`, n, 40 + n, classInput));
        expect(inline.dims).toEqual(worker.dims);
        expect(bytes(inline.data).equals(bytes(worker.data))).toBe(true);
      }
    },
  );

  it('the scheduler runs a lone small batch inline when every worker is idle, a larger one on the workers', async () => {
    const scheduler = new BatchScheduler(pool, {
      maxBatch: 64,
      maxDelayMs: 0,
      queueLimit: 4096,
      inlineMaxSamples: 4,
    });
    scheduler.setTarget('mnist-dcgan', {
      key: 'mnist-dcgan#1',
      inputName: 'latent',
      outputName: 'image',
      latentDim: 100,
      maxBatch: 64,
    });
    const runs = () => pool.inline?.runs ?? 0;
    const before = runs();
    const small = request('mnist-dcgan#1', 4, 1, undefined);
    const out = await scheduler.submit('mnist-dcgan', small.latents, 4, 10_000);
    expect(runs()).toBe(before + 1);
    const viaWorker = await pool.run(request('mnist-dcgan#1', 4, 1, undefined));
    expect(bytes(out).equals(bytes(viaWorker.data))).toBe(true);
    await scheduler.submit('mnist-dcgan', request('mnist-dcgan#1', 5, 2, undefined).latents, 5, 10_000);
    expect(runs()).toBe(before + 1);
    // Several at once: the first finds everything idle and runs inline (it blocks this thread until it is
    // done); the others queue behind it and go to the workers.
    await Promise.all(
      [7, 8, 9].map((seed) =>
        scheduler.submit('mnist-dcgan', request('mnist-dcgan#1', 1, seed, undefined).latents, 1, 10_000),
      ),
    );
    expect(runs()).toBeLessThanOrEqual(before + 3);
    // A class-conditional model's lone request carries its class ids into the inline run.
    scheduler.setTarget('mnist-cdcgan', {
      key: 'mnist-cdcgan#1',
      inputName: 'latent',
      outputName: 'image',
      latentDim: 100,
      maxBatch: 64,
      classInputName: 'class',
    });
    const conditional = request('mnist-cdcgan#1', 3, 5, 'class');
    const atOnce = runs();
    const drawn = await scheduler.submit(
      'mnist-cdcgan',
      conditional.latents,
      3,
      10_000,
      conditional.classes!.ids,
    );
    expect(runs()).toBe(atOnce + 1);
    const sameOnWorker = await pool.run(request('mnist-cdcgan#1', 3, 5, 'class'));
    expect(bytes(drawn).equals(bytes(sameOnWorker.data))).toBe(true);
    // A failing inline run rejects with the scheduler's own error, and leaves nothing counted as running.
    await expect(
      scheduler.submit(
        'mnist-cdcgan',
        conditional.latents.subarray(0, 150),
        3,
        10_000,
        conditional.classes!.ids,
      ),
    ).rejects.toThrow(/inference failed for model 'mnist-cdcgan'/);
    await scheduler.drained('mnist-cdcgan#1');
    scheduler.close();
  });

  it('unloading a model releases its inline session; a pool without inline has none', async () => {
    await pool.unload('mnist-cdcgan#1');
    expect(pool.inline?.has('mnist-cdcgan#1')).toBe(false);
    expect(pool.canRunInline('mnist-cdcgan#1')).toBe(false);
    await expect(pool.runInline(request('mnist-cdcgan#1', 1, 1, 'class'))).rejects.toThrow(
      /no inline session/,
    );
    expect(pool.inline?.intraOpThreads).toBe(2);
    const plain = new WorkerPool({ workers: 1, intraOpThreads: 1 });
    try {
      expect(plain.inline).toBeUndefined();
      expect(plain.canRunInline('mnist-dcgan#1')).toBe(false);
    } finally {
      await plain.close();
    }
  });
});

describe('defaultInlineThreads', () => {
  it('is two intra-op threads, one on a single core', () => {
    expect(defaultInlineThreads(1)).toBe(1);
    expect(defaultInlineThreads(2)).toBe(2);
    expect(defaultInlineThreads(64)).toBe(2);
  });
});
