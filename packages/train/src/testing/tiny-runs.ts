import { join } from 'node:path';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import type { Dataset } from '@ganforge/data';
import { train } from '../loop/train.ts';
import { diagnosticsConfig } from '../diagnostics/config.ts';
import { appendEvent, EVENTS_FILE } from '@ganforge/runs';
import { createDiagnostics } from '../diagnostics/monitor.ts';
import type { FailureEvent } from '../diagnostics/types.ts';

/**
 * The real tiny runs the diagnostics tests (and @ganforge/report's) train: an MLP GAN with 32 hidden
 * units on 512 MNIST images, batch 32, on the cpu backend. Steps and logging are each test's own.
 */
export const TINY_MNIST_MLP = {
  seed: 5,
  backend: 'cpu',
  dataset: { kind: 'mnist', limit: 512 },
  batchSize: 32,
  generator: { kind: 'mlp', hidden: [32] },
  discriminator: { kind: 'mlp', hidden: [32] },
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
  backend: 'cpu',
  dataset: { kind: 'mnist', limit: 256 },
  batchSize: 32,
  steps: 6,
  generator: { kind: 'mlp', hidden: [32] },
  discriminator: { kind: 'mlp', hidden: [32] },
  conditioning: { generator: 'concat', discriminator: 'projection' },
  logging: { sampleEvery: 6, checkpointEvery: 6, gridSize: 4 },
} satisfies TrainConfigInput;
