import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import type { BackendInfo } from '@ganforge/backend';
import type { Dataset } from '@ganforge/data';
import {
  appendMetrics,
  lossesFinite,
  RUN_FILES,
  stepName,
  writeRunMeta,
  writeSampleGrid,
  type StepMetrics,
} from '@ganforge/runs';
import type { TrainConfig } from '../config/schema.ts';
import type { SupervisorState } from '../diagnostics/supervisor-state.ts';
import { saveCheckpoint } from './checkpointing.ts';
import { takeBatch } from './data-cursor.ts';
import { disposeGanSetup } from './gan-setup.ts';
import { openRun, type OpenRun, type OpenRunOptions } from './open-run.ts';
import { sampleGridInputs, sampleGridLayout, type SampleGridLayout } from './sample-grid-inputs.ts';
import { trainStep } from './train-step.ts';

export { RESUME_OVERRIDABLE } from './resume-config.ts';

export interface TrainOptions extends OpenRunOptions {
  /**
   * Abort = stop after the current step, write a checkpoint, return status 'interrupted'. The CLI aborts
   * it on SIGINT (Ctrl-C) and SIGTERM.
   */
  readonly signal?: AbortSignal | undefined;
  /** Called once before the first step. */
  readonly onStart?: ((info: RunStart) => void) | undefined;
  /** Called after every step with its metrics. */
  readonly onStep?: ((metrics: StepMetrics) => void) | undefined;
  /** Called when a sample grid or checkpoint is written; training waits for a returned promise. */
  readonly onArtifact?:
    ((kind: 'sample' | 'checkpoint', path: string, step: number) => void | Promise<void>) | undefined;
  /**
   * The state of the failure detectors watching the run (trainSupervised), asked for at every checkpoint
   * and saved in it; on resume the checkpoint's comes back as RunStart.diagnostics.
   */
  readonly diagnosticsState?: (() => SupervisorState) | undefined;
}

export interface RunStart {
  readonly runDir: string;
  readonly config: TrainConfig;
  readonly backend: BackendInfo;
  readonly dataset: { readonly name: string; readonly size: number; readonly shape: Dataset['shape'] };
  /** The layout of the run's sample grids (one row per class for a class-conditional run). */
  readonly sampleGrid: SampleGridLayout;
  readonly totalSteps: number;
  /** Steps already done (0 for a fresh run). */
  readonly startStep: number;
  readonly resumedFrom: string | undefined;
  /**
   * The detectors' state saved in the checkpoint resumed from (only asked for with diagnosticsState);
   * undefined for a new run or a checkpoint without one: the detectors start afresh.
   */
  readonly diagnostics: SupervisorState | undefined;
}

export interface TrainResult {
  readonly runDir: string;
  readonly status: 'completed' | 'interrupted';
  /** Steps completed. */
  readonly step: number;
  readonly totalSteps: number;
  readonly lastCheckpoint: string | undefined;
  readonly backend: BackendInfo;
}

/**
 * Trains a GAN: opens the run (new, or resumed from a checkpoint: openRun), then runs steps until the
 * config's steps/epochs are done, writing metrics.jsonl every step, sample grids every
 * logging.sampleEvery steps, checkpoints every logging.checkpointEvery steps, at the end and on
 * abort/Ctrl-C. A NaN or infinite loss stops the run at that step (no update is applied from it) with
 * a GanforgeError('non_finite_loss') naming the last good checkpoint.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const run = await openRun(options, options.diagnosticsState !== undefined);
  const { config, position } = run;
  const { sampleEvery, checkpointEvery } = config.logging;
  const sample = sampler(run, options);
  const checkpoint = async (): Promise<void> => {
    run.lastCheckpoint = await saveCheckpoint(run.runDir, run.setup, position, options.diagnosticsState?.());
    await options.onArtifact?.('checkpoint', run.lastCheckpoint, position.step);
  };
  try {
    options.onStart?.(runStart(run));
    if (position.step === 0) await sample();
    while (position.step < run.totalSteps && !options.signal?.aborted) {
      const { metrics, finite } = step(run);
      options.onStep?.(metrics);
      if (!finite) failNonFinite(run, metrics);
      if (due(position.step, sampleEvery)) await sample();
      if (due(position.step, checkpointEvery)) await checkpoint();
      // Let signals, timers and the progress display run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!run.lastCheckpoint?.endsWith(stepName(position.step))) await checkpoint();
    const status = position.step < run.totalSteps ? 'interrupted' : 'completed';
    if (status === 'completed' && !due(position.step, sampleEvery)) await sample();
    finish(run, status);
    return {
      runDir: run.runDir,
      status,
      step: position.step,
      totalSteps: run.totalSteps,
      lastCheckpoint: run.lastCheckpoint,
      backend: run.backend,
    };
  } finally {
    disposeGanSetup(run.setup);
  }
}

/** One step: the next real batch, trainStep on it, its metrics appended to metrics.jsonl. */
function step(run: OpenRun): { metrics: StepMetrics; finite: boolean } {
  const { config, position } = run;
  const started = performance.now();
  const { batch, epoch } = takeBatch(run.dataset, config.batchSize, position.cursor, run.batchesPerEpoch);
  const outcome = trainStep(run.setup, {
    real: batch.images,
    labels: batch.labels,
    batchSize: config.batchSize,
    index: position.step,
    latentRng: position.rng.latent,
    noiseRng: position.rng.noise,
    techniques: position.techniques,
  });
  const seconds = (performance.now() - started) / 1000;
  position.step += 1;
  const metrics: StepMetrics = {
    step: position.step,
    epoch,
    ...outcome.metrics,
    imagesPerSec: seconds > 0 ? config.batchSize / seconds : 0,
  };
  appendMetrics(join(run.runDir, RUN_FILES.metrics), metrics);
  const finite = outcome.finite && lossesFinite(metrics);
  if (finite) position.techniques = outcome.techniques;
  return { metrics, finite };
}

/** Whether a step is one of every `every`-th (never when 0). */
function due(step: number, every: number): boolean {
  return every > 0 && step % every === 0;
}

/**
 * Writes the sample grid of G(fixed z) at the run's current step: one row per class for a
 * class-conditional run (sample-grid-inputs.ts).
 */
function sampler(run: OpenRun, options: TrainOptions): () => Promise<void> {
  const { config, position } = run;
  const fixed = sampleGridInputs(config, run.dataset.numClasses);
  return async () => {
    const file = join(run.runDir, RUN_FILES.samples, `${stepName(position.step)}.png`);
    await writeSampleGrid(run.setup.generator, fixed.z, config.latent.dim, file, {
      labels: fixed.labels,
      columns: fixed.columns,
    });
    await options.onArtifact?.('sample', file, position.step);
  };
}

function runStart(run: OpenRun): RunStart {
  const { dataset } = run;
  return {
    runDir: run.runDir,
    config: run.config,
    backend: run.backend,
    dataset: { name: dataset.name, size: dataset.size, shape: dataset.shape },
    sampleGrid: sampleGridLayout(run.config, dataset.numClasses),
    totalSteps: run.totalSteps,
    startStep: run.position.step,
    resumedFrom: run.resumedFrom,
    diagnostics: run.savedDiagnostics,
  };
}

/** Records how the run ended in its meta.json. */
function finish(run: OpenRun, status: 'completed' | 'interrupted' | 'failed', error?: string): void {
  run.meta.status = status;
  run.meta.finishedStep = run.position.step;
  if (error !== undefined) run.meta.error = error;
  writeRunMeta(join(run.runDir, RUN_FILES.meta), run.meta);
}

function failNonFinite(run: OpenRun, m: StepMetrics): never {
  const { step } = m;
  finish(run, 'failed', `non-finite loss at step ${step}`);
  const losses = [`dLossReal=${m.dLossReal}`, `dLossFake=${m.dLossFake}`];
  if (m.gLoss !== null) losses.push(`gLoss=${m.gLoss}`);
  throw new GanforgeError(
    'non_finite_loss',
    `training stopped: loss is not finite at step ${step} (${losses.join(', ')}); no update was applied from it`,
    {
      hint: run.lastCheckpoint
        ? `the last good checkpoint is ${run.lastCheckpoint}; resume it with lower learning rates: ganforge train --resume ${run.runDir} --set optimizers.d.lr=... --set optimizers.g.lr=...`
        : 'no checkpoint had been written yet; lower the learning rates (optimizers.*.lr) or set logging.checkpointEvery lower',
      status: 500,
    },
  );
}
