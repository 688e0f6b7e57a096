// A real run directory with one checkpoint, written by @ganforge/train's own writers (no training: the weights are
// set at random, which is all an exporter can tell apart).
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RunMeta } from '@ganforge/runs';
import { RUN_FILES, createRunDir, writeCheckpoint } from '@ganforge/runs';
import { buildDiscriminator, buildGenerator, createRngStreams, parseTrainConfig } from '@ganforge/train';
import { conditionalGenerator, projectionDiscriminator } from './conditional-layouts.ts';
import { randomizeWeights } from './fixtures.ts';

export interface FixtureRun {
  /** The temporary folder holding the run; remove it when done. */
  readonly root: string;
  readonly runDir: string;
  readonly checkpointDir: string;
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
}

export interface FixtureRunOptions {
  readonly step?: number;
  readonly spectralNorm?: boolean;
  readonly minibatch?: 'none' | 'stddev' | 'mean_difference';
  /**
   * A class-conditional run: G(z, class) and a projection D(image, class) (conditional-layouts.ts) with
   * `numClasses` classes; `classes` is written to meta.json as dataset.classes when given.
   */
  readonly conditional?: { readonly numClasses: number; readonly classes?: readonly string[] };
}

export async function writeFixtureRun(opts: FixtureRunOptions = {}): Promise<FixtureRun> {
  const root = await mkdtemp(join(tmpdir(), 'ganforge-export-run-'));
  const config = parseTrainConfig({
    name: 'tiny',
    seed: 3,
    latent: { dim: 8, distribution: 'normal' },
    generator: { kind: 'dcgan', baseFilters: 2, kernelSize: 4 },
    discriminator: {
      kind: 'dcgan',
      baseFilters: 2,
      kernelSize: 3,
      spectralNorm: opts.spectralNorm ?? false,
      minibatch: opts.minibatch ?? 'none',
    },
  });
  const shape = { height: 28, width: 28, channels: 1 as const };
  const cond = opts.conditional;
  const generator = cond
    ? conditionalGenerator({ kind: 'dcgan', merge: 'multiply', numClasses: cond.numClasses, latentDim: 8 })
    : buildGenerator(config.generator, { latentDim: 8, shape, seed: 1 });
  const discriminator = cond
    ? projectionDiscriminator({ numClasses: cond.numClasses, size: 28 })
    : buildDiscriminator(config.discriminator, { shape, seed: 2 });
  randomizeWeights(generator, { seed: 4 });
  randomizeWeights(discriminator, { seed: 5, weightStd: 0.1 });
  const runDir = createRunDir(root, 'tiny');
  await writeFile(join(runDir, RUN_FILES.config), JSON.stringify(config));
  const meta = {
    format: 'ganforge-run/1',
    name: 'tiny',
    seed: 3,
    backend: { name: 'cpu', tfjsName: 'cpu', version: '4.22.0', threads: 1 },
    versions: {},
    techniques: {},
    dataset: {
      name: 'mnist',
      split: 'train',
      size: 60000,
      shape,
      ...(cond?.classes ? { classes: cond.classes } : {}),
    },
    totalSteps: 10,
    parameters: { generator: generator.countParams(), discriminator: discriminator.countParams() },
    startedAt: '2026-11-23T19:00:00Z',
    command: 'ganforge train --config tiny.yaml --set steps=5',
    resumes: [
      {
        at: '2026-11-23T19:01:00Z',
        fromStep: 5,
        backend: 'cpu',
        set: ['steps=10'],
        command: 'ganforge train --resume runs/tiny --set steps=10',
      },
    ],
    status: 'completed',
  } as unknown as RunMeta;
  await writeFile(join(runDir, RUN_FILES.meta), JSON.stringify(meta));
  const rng = createRngStreams(3);
  const checkpointDir = await writeCheckpoint(runDir, {
    generator,
    discriminator,
    gOptimizer: tf.train.adam(),
    dOptimizer: tf.train.adam(),
    state: {
      step: opts.step ?? 10,
      epoch: 0,
      batchInEpoch: 10,
      rng: {
        dataAtEpochStart: rng.data.getState(),
        latent: rng.latent.getState(),
        noise: rng.noise.getState(),
      },
      controller: { l2: 0 },
      latent: { dim: 8, distribution: 'normal' },
    },
  });
  return { root, runDir, checkpointDir, generator, discriminator };
}
