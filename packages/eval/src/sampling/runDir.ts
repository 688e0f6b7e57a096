import { basename } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleLatents } from '@ganforge/core';
import { loadGenerator, selectBackend } from '@ganforge/train';
import type { BackendName } from '@ganforge/train';
import type { GeneratedSamples } from './samples.ts';

/**
 * n images from a run directory's (or checkpoint's) generator, predicted with tfjs on `backend`
 * (default 'auto': the fastest one that starts), on latents from core's sampleLatents.
 */
export async function sampleRunDir(
  path: string,
  n: number,
  seed: number,
  opts: { step?: number; backend?: BackendName | 'auto'; batchSize?: number } = {},
): Promise<GeneratedSamples> {
  // PROD only silences tfjs' console notes (the "install tfjs-node" banner), as `ganforge export` does.
  tf.env().set('PROD', true);
  // The backend first: deserializing the model already creates tensors.
  await selectBackend(opts.backend ?? 'auto');
  const g = await loadGenerator(path, { step: opts.step });
  const { dim, distribution } = g.latent;
  const { height, width, channels } = g.imageShape;
  const per = height * width * channels;
  const z = sampleLatents({ seed, n, latentDim: dim, distribution });
  const images = new Float32Array(n * per);
  const batchSize = opts.batchSize ?? 100;
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const out = tf.tidy(
      () => g.model.predict(tf.tensor2d(z.subarray(start * dim, (start + b) * dim), [b, dim])) as tf.Tensor,
    );
    images.set((await out.data()) as Float32Array, start * per);
    out.dispose();
  }
  g.model.dispose();
  return {
    images,
    n,
    imageShape: { height, width, channels },
    source: {
      kind: 'run',
      path,
      name: basename(g.runDir ?? path),
      dataset: g.config?.dataset.kind,
      step: g.step,
      ...(g.runDir !== undefined ? { runDir: g.runDir } : {}),
    },
  };
}
