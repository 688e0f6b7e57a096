import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleLatents } from '@ganforge/core';
import { generatorClassInput, loadGenerator, readRunMeta, RUN_FILES } from '@ganforge/runs';
import { selectBackend } from '@ganforge/backend';
import type { BackendName } from '@ganforge/backend';
import { balancedClasses } from './samples.ts';
import type { GeneratedSamples, SampleClasses } from './samples.ts';

/** The class names a run recorded (meta.json dataset.classes), or undefined. */
function recordedClassNames(runDir: string | undefined): string[] | undefined {
  if (runDir === undefined || !existsSync(join(runDir, RUN_FILES.meta))) return undefined;
  const classes: unknown = readRunMeta(join(runDir, RUN_FILES.meta)).dataset.classes;
  return Array.isArray(classes) && classes.every((c) => typeof c === 'string') ? classes : undefined;
}

/**
 * n images from a run directory's (or checkpoint's) generator, predicted with tfjs on `backend`
 * (default 'auto': the fastest one that starts), on latents from core's sampleLatents. A class-conditional
 * G gets balancedClasses(n, numClasses) as its class input (sample i has class i mod numClasses).
 */
export async function sampleRunDir(
  path: string,
  n: number,
  seed: number,
  opts: { step?: number; backend?: BackendName | 'auto'; batchSize?: number; truncation?: number } = {},
): Promise<GeneratedSamples> {
  // PROD only silences tfjs' console notes (the "install tfjs-node" banner), as `ganforge export` does.
  tf.env().set('PROD', true);
  // The backend first: deserializing the model already creates tensors.
  await selectBackend(opts.backend ?? 'auto');
  const g = await loadGenerator(path, { step: opts.step });
  const { dim, distribution } = g.latent;
  const { height, width, channels } = g.imageShape;
  const per = height * width * channels;
  const z = sampleLatents({
    seed,
    n,
    latentDim: dim,
    distribution,
    ...(opts.truncation !== undefined ? { truncation: opts.truncation } : {}),
  });
  let conditional: (SampleClasses & { index: number }) | undefined;
  try {
    const input = generatorClassInput(g.model);
    if (input !== undefined) {
      const labels = balancedClasses(n, input.numClasses);
      conditional = { ...input, labels, classNames: recordedClassNames(g.runDir) };
    }
  } catch (e) {
    g.model.dispose();
    throw e;
  }
  const images = new Float32Array(n * per);
  const batchSize = opts.batchSize ?? 100;
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const out = tf.tidy(() => {
      const latents = tf.tensor2d(z.subarray(start * dim, (start + b) * dim), [b, dim]);
      if (conditional === undefined) return g.model.predict(latents) as tf.Tensor;
      const classes = tf.tensor2d(conditional.labels.subarray(start, start + b), [b, 1], 'int32');
      const inputs = conditional.index === 0 ? [classes, latents] : [latents, classes];
      return g.model.predict(inputs) as tf.Tensor;
    });
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
    ...(conditional !== undefined
      ? {
          conditioning: {
            numClasses: conditional.numClasses,
            classNames: conditional.classNames,
            labels: conditional.labels,
          },
        }
      : {}),
  };
}
