import { join } from 'node:path';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import type { Dataset } from '@ganforge/data';
import { train } from '../loop/train.ts';
import { diagnosticsConfig } from '../diagnostics/config.ts';
import { appendEvent, EVENTS_FILE } from '@ganforge/runs';
import { createDiagnostics } from '../diagnostics/monitor.ts';
import type { FailureEvent } from '../diagnostics/types.ts';

/** The size of a tiny MLP GAN run on MNIST: how many images, the batch, the hidden units of G and D. */
export interface TinyMlpSize {
  limit: number;
  batchSize: number;
  hidden: number;
}

/** A tiny MLP GAN (one hidden layer in G and D) on the first `limit` MNIST images, on the cpu backend. */
export function tinyMnistMlp({ limit, batchSize, hidden }: TinyMlpSize) {
  return {
    backend: 'cpu',
    dataset: { kind: 'mnist', limit },
    batchSize,
    generator: { kind: 'mlp', hidden: [hidden] },
    discriminator: { kind: 'mlp', hidden: [hidden] },
  } satisfies TrainConfigInput;
}

/**
 * The real tiny runs the diagnostics tests (and @ganforge/report's) train: an MLP GAN with 32 hidden
 * units on 512 MNIST images, batch 32, on the cpu backend. Steps and logging are each test's own.
 */
export const TINY_MNIST_MLP = {
  seed: 5,
  ...tinyMnistMlp({ limit: 512, batchSize: 32, hidden: 32 }),
} satisfies TrainConfigInput;

/**
 * The tiny run of the training-loop tests: an MLP GAN with 16 hidden units on 64 MNIST images, batch 16
 * (4 steps an epoch), 6 steps on the cpu backend, a sample grid and a checkpoint every 3 steps.
 */
export const TINY_LOOP_MLP = {
  name: 'tiny',
  seed: 5,
  ...tinyMnistMlp({ limit: 64, batchSize: 16, hidden: 16 }),
  steps: 6,
  discriminator: { kind: 'mlp', hidden: [16], dropout: 0.3 },
  logging: { sampleEvery: 3, checkpointEvery: 3, gridSize: 3 },
} satisfies TrainConfigInput;

/** A far too strong D: it wins within about a hundred steps and discriminatorOverpowering fires. */
export const STRONG_D = { optimizers: { d: { lr: 0.01 }, g: { lr: 1e-6 } } } satisfies TrainConfigInput;

/**
 * Trains `config` with the default detectors fed from the loop's own per-step metrics, as the loop hook
 * does, appending their events to the run's events.jsonl; returns the run folder and the events.
 */
export async function trainWithDetectors(
  config: TrainConfigInput,
  dataset: Dataset,
  out: string,
): Promise<{ runDir: string; events: FailureEvent[] }> {
  const diagnostics = createDiagnostics(diagnosticsConfig());
  let runDir = '';
  const events: FailureEvent[] = [];
  await train({
    config: parseTrainConfig(config),
    dataset,
    out,
    onStart: (info) => {
      runDir = info.runDir;
    },
    onStep: (metrics) => {
      for (const e of diagnostics.observe(metrics)) {
        appendEvent(join(runDir, EVENTS_FILE), e);
        events.push(e);
      }
    },
  });
  return { runDir, events };
}

/**
 * The tiny class-conditional run the cross-package tests train (a couple of seconds on the cpu backend): an
 * MLP G with a concatenated class embedding and a projection D, 6 steps on 256 MNIST images, batch 32.
 */
export const TINY_CONDITIONAL_MLP = {
  name: 'tiny-cmlp',
  seed: 3,
  ...tinyMnistMlp({ limit: 256, batchSize: 32, hidden: 32 }),
  steps: 6,
  conditioning: { generator: 'concat', discriminator: 'projection' },
  logging: { sampleEvery: 6, checkpointEvery: 6, gridSize: 4 },
} satisfies TrainConfigInput;
