import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createRng, type Rng } from '@ganforge/core';
import { loadDataset, type Dataset } from '@ganforge/data';
import { afterEach, beforeAll } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import { buildGan, createGanSetup, disposeGanSetup } from '../loop/gan-setup.ts';
import { trainStep, type GanSetup, type StepOutcome } from '../loop/train-step.ts';

/** The batch size of the trainStep tests' tiny GANs. */
export const STEP_BATCH = 16;

/** What a test's steps gave, and the latent and noise RNGs they drew from (for inspection). */
export interface StepsRun {
  outcomes: StepOutcome[];
  latentRng: Rng;
  noiseRng: Rng;
}

/** The trainStep tests' tiny GANs, built for one test file (see useTinySteps). */
export interface TinySteps {
  /** A tiny MLP GAN (hidden 16, batch 16, seed 3) with the file's base config and `overrides`. */
  tiny(overrides?: TrainConfigInput): GanSetup;
  /** Runs `n` steps from fixed RNG seeds on the first batches of the data in file order. */
  run(setup: GanSetup, n?: number, l2?: number): StepsRun;
}

/**
 * trainStep on tiny MLP GANs and 64 real MNIST images on the cpu backend: loads the data before the
 * file's tests and frees every GAN `tiny` built after each test. `labels`: the steps take each real
 * batch's class labels (what a class-conditional run feeds G and D).
 */
export function useTinySteps(opts: { base?: TrainConfigInput; labels?: boolean } = {}): TinySteps {
  let mnist: Dataset;
  const live: GanSetup[] = [];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    mnist = await loadDataset({ kind: 'mnist', limit: 64 });
  });
  afterEach(() => {
    for (const s of live.splice(0)) disposeGanSetup(s);
  });
  const B = STEP_BATCH;
  return {
    tiny(overrides = {}) {
      const config = parseTrainConfig({
        seed: 3,
        batchSize: B,
        generator: { kind: 'mlp', hidden: [16] },
        discriminator: { kind: 'mlp', hidden: [16] },
        ...opts.base,
        ...overrides,
      });
      const { generator, discriminator } = buildGan(config, mnist.shape, mnist.numClasses);
      const setup = createGanSetup(config, generator, discriminator, 10);
      live.push(setup);
      return setup;
    },
    run(setup, n = 1, l2 = 0) {
      const latentRng = createRng(11);
      const noiseRng = createRng(12);
      const perImage = mnist.shape.height * mnist.shape.width * mnist.shape.channels;
      const outcomes: StepOutcome[] = [];
      let techniques = { adaptiveL2: { l2 } };
      for (let i = 0; i < n; i++) {
        const start = (i * B) % mnist.size;
        const real = mnist.images.slice(start * perImage, (start + B) * perImage);
        const labels = opts.labels ? mnist.labels?.slice(start, start + B) : undefined;
        const o = trainStep(setup, { real, labels, batchSize: B, index: i, latentRng, noiseRng, techniques });
        techniques = o.techniques;
        outcomes.push(o);
      }
      return { outcomes, latentRng, noiseRng };
    },
  };
}
