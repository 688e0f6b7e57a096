import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError, restoreRng, sampleLatents, type RngState } from '@ganforge/core';
import { selectBackend, type BackendInfo, type BackendName } from '../backend/index.ts';
import { parseOverride } from '../config/overrides.ts';
import { parseWithOverrides } from '../config/withOverrides.ts';
import type { TrainConfig } from '../config/schema.ts';
import { assertShapeFits } from '../config/shape.ts';
import { batches, batchesPerEpoch, loadDataset, type Batch, type Dataset } from '../data/index.ts';
import { getLoss } from '../losses/index.ts';
import type { SupervisorState } from '../diagnostics/supervisorState.ts';
import { buildDiscriminator, buildGenerator, discriminatorFeatures } from '../models/index.ts';
import {
  loadCheckpoint,
  locateCheckpoint,
  readCheckpointDiagnostics,
  readRunConfig,
  restoreOptimizers,
  writeCheckpoint,
  type CheckpointLocation,
} from '../runs/checkpoint.ts';
import { createRunMeta, readRunMeta, writeRunMeta, type RunMeta } from '../runs/meta.ts';
import { appendMetrics, truncateMetrics } from '../runs/metricsLog.ts';
import { createRunDir, removeStaleTemporaries, RUN_FILES, stepName } from '../runs/runDir.ts';
import { writeFileAtomic } from '../runs/atomic.ts';
import { writeSampleGrid } from '../runs/samples.ts';
import { modelVariables } from './forward.ts';
import { lossesFinite, type StepMetrics } from './metrics.ts';
import { createOptimizer } from './optimizers.ts';
import { createRngStreams, restoreRngStreams, type RngStreams } from './rngStreams.ts';
import { initialController, trainStep, type ControllerState, type GanSetup } from './trainStep.ts';

export interface TrainOptions {
  /** The resolved config (from resolveTrainConfig). Ignored with `resume`: the run's own config is used. */
  readonly config?: TrainConfig | undefined;
  /** A run directory (or one of its checkpoints) to continue. */
  readonly resume?: string | undefined;
  /**
   * `key=value` overrides applied to a resumed run's config (recorded in config.json and meta.json).
   * Only fields that do not change the saved networks or optimizers: see RESUME_OVERRIDABLE.
   */
  readonly resumeSet?: readonly string[] | undefined;
  /** Parent folder of new run directories. Default 'runs'. */
  readonly out?: string | undefined;
  /** Overrides config.backend. */
  readonly backend?: BackendName | 'auto' | undefined;
  /** wasm backend: XNNPACK threads (default: GANFORGE_WASM_THREADS, else one per core up to 8; fixed per process). */
  readonly wasmThreads?: number | undefined;
  /** An already loaded dataset instead of loading config.dataset (programmatic use, tests). */
  readonly dataset?: Dataset | undefined;
  /**
   * Abort = stop after the current step, write a checkpoint, return status 'interrupted'. The CLI aborts
   * it on SIGINT (Ctrl-C) and SIGTERM.
   */
  readonly signal?: AbortSignal | undefined;
  /** The command line that started this (for the run's meta.json and, through export, the model card). */
  readonly command?: string | undefined;
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

/** Position in the data: epoch, batches done in it, and the data RNG state at its start. */
interface DataCursor {
  epoch: number;
  batchInEpoch: number;
  /** Data RNG state at the start of the current epoch (replayed to rebuild its shuffle on resume). */
  epochStart: RngState;
  nextEpochStart: RngState | undefined;
  iterator: Iterator<Batch> | undefined;
}

/** The next real batch; rolls over to the next epoch right after its last batch. */
function takeBatch(
  ds: Dataset,
  batchSize: number,
  cursor: DataCursor,
  perEpoch: number,
): { batch: Batch; epoch: number } {
  let result: IteratorResult<Batch>;
  if (cursor.iterator === undefined) {
    const dataRng = restoreRng(cursor.epochStart);
    cursor.iterator = batches(ds, batchSize, dataRng);
    result = cursor.iterator.next(); // draws the epoch's shuffle from dataRng
    cursor.nextEpochStart = dataRng.getState();
    for (let i = 0; i < cursor.batchInEpoch; i++) result = cursor.iterator.next(); // resume mid-epoch
  } else {
    result = cursor.iterator.next();
  }
  if (result.done)
    throw new Error(`internal: epoch ${cursor.epoch} ran out of batches at ${cursor.batchInEpoch}`);
  const epoch = cursor.epoch;
  cursor.batchInEpoch += 1;
  if (cursor.batchInEpoch >= perEpoch) {
    cursor.epoch += 1;
    cursor.batchInEpoch = 0;
    cursor.epochStart = cursor.nextEpochStart as RngState;
    cursor.iterator = undefined;
  }
  return { batch: result.value, epoch };
}

function describeNonFinite(m: StepMetrics): string {
  const parts = [`dLossReal=${m.dLossReal}`, `dLossFake=${m.dLossFake}`];
  if (m.gLoss !== null) parts.push(`gLoss=${m.gLoss}`);
  return parts.join(', ');
}

/** Config fields a resumed run may change: none of them alters the saved networks or optimizer slots. */
export const RESUME_OVERRIDABLE: readonly string[] = [
  'steps',
  'epochs',
  'backend',
  'logging.',
  'optimizers.g.lr',
  'optimizers.d.lr',
  'techniques.',
];

function assertResumeOverrides(set: readonly string[]): void {
  for (const text of set) {
    const key = parseOverride(text).path.join('.');
    const ok = RESUME_OVERRIDABLE.some((p) => (p.endsWith('.') ? key.startsWith(p) : key === p));
    if (!ok) {
      throw new GanforgeError(
        'usage',
        `--set ${key} cannot change a resumed run (its networks and optimizers are saved)`,
        {
          hint: `on --resume only these may change: ${RESUME_OVERRIDABLE.map((p) => (p.endsWith('.') ? `${p}*` : p)).join(', ')}`,
        },
      );
    }
  }
}

/**
 * The checkpoint a resume continues, after clearing what interrupted writes of dead processes left in
 * its run (half-written checkpoint folders; an older checkpoint moved aside may go back in place).
 */
function locateResumedCheckpoint(path: string): CheckpointLocation {
  const found = locateCheckpoint(path);
  if (found.runDir === undefined || removeStaleTemporaries(found.runDir).length === 0) return found;
  return locateCheckpoint(path);
}

/** Optimizers, variable lists, loss and feature model for a G/D pair: what trainStep needs. */
export function createGanSetup(
  config: TrainConfig,
  generator: tfl.LayersModel,
  discriminator: tfl.LayersModel,
  totalSteps: number,
): GanSetup {
  const mm = config.techniques.momentMatching;
  return {
    config,
    generator,
    discriminator,
    gVars: modelVariables(generator),
    dVars: modelVariables(discriminator),
    gOptimizer: createOptimizer(config.optimizers.g),
    dOptimizer: createOptimizer(config.optimizers.d),
    loss: getLoss(config.loss),
    featureModel:
      mm.enabled && mm.features === 'discriminator' ? discriminatorFeatures(discriminator) : undefined,
    totalSteps,
  };
}

/** Fresh G and D for a config and image shape, seeded as every run seeds them (G: seed, D: seed + 1). */
export function buildGan(
  config: TrainConfig,
  shape: Dataset['shape'],
): { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  return {
    generator: buildGenerator(config.generator, { latentDim: config.latent.dim, shape, seed: config.seed }),
    discriminator: buildDiscriminator(config.discriminator, { shape, seed: config.seed + 1 }),
  };
}

/** Frees what createGanSetup made and the two networks. */
export function disposeGanSetup(setup: GanSetup): void {
  setup.featureModel?.dispose?.();
  setup.gOptimizer.dispose();
  setup.dOptimizer.dispose();
  setup.generator.dispose();
  setup.discriminator.dispose();
}

/**
 * Trains a GAN: builds (or restores) G, D and their optimizers, then runs steps until the config's
 * steps/epochs are done, writing metrics.jsonl every step, sample grids every logging.sampleEvery
 * steps, checkpoints every logging.checkpointEvery steps, at the end and on abort/Ctrl-C.
 * A NaN or infinite loss stops the run at that step (no update is applied from it) with a
 * GanforgeError('non_finite_loss') naming the last good checkpoint.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  // ---- config, run dir and checkpoint to resume from (all checked before any training)
  let config: TrainConfig;
  let resumed: Awaited<ReturnType<typeof loadCheckpoint>> | undefined;
  let resumeFrom: CheckpointLocation | undefined;
  if (options.resume !== undefined) {
    resumeFrom = locateResumedCheckpoint(options.resume);
    const recorded = readRunConfig(resumeFrom.runDir);
    if (resumeFrom.runDir === undefined || recorded === undefined) {
      throw new GanforgeError('not_a_run', `${options.resume} is a checkpoint outside a run directory`, {
        hint: 'pass the run directory (runs/<name>-<time>) to --resume',
      });
    }
    const set = options.resumeSet ?? [];
    assertResumeOverrides(set);
    config = parseWithOverrides(recorded, join(resumeFrom.runDir, RUN_FILES.config), set);
  } else {
    if (options.config === undefined)
      throw new GanforgeError('bad_config', 'train() needs a config or a run to resume');
    config = options.config;
  }

  // The backend must be active before any tensor exists (loading a checkpoint makes tensors).
  const backend = await selectBackend(
    options.backend ?? config.backend,
    options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads },
  );
  let savedDiagnostics: SupervisorState | undefined;
  if (resumeFrom) {
    resumed = await loadCheckpoint(resumeFrom.dir);
    if (options.diagnosticsState) savedDiagnostics = readCheckpointDiagnostics(resumeFrom.dir);
  }
  const dataset = options.dataset ?? (await loadDataset(config.dataset));
  assertShapeFits(config, dataset);
  const perEpoch = batchesPerEpoch(dataset, config.batchSize);
  const totalSteps = config.steps > 0 ? config.steps : config.epochs * perEpoch;

  let generator: tfl.LayersModel;
  let discriminator: tfl.LayersModel;
  if (resumed) {
    generator = resumed.generator;
    discriminator = resumed.discriminator;
  } else {
    ({ generator, discriminator } = buildGan(config, dataset.shape));
  }
  try {
    assertShapeFits(config, dataset, { generator, discriminator });
  } catch (e) {
    generator.dispose();
    discriminator.dispose();
    throw e;
  }
  const setup = createGanSetup(config, generator, discriminator, totalSteps);
  const { gOptimizer, dOptimizer } = setup;
  if (resumed) await restoreOptimizers(resumed.dir, gOptimizer, dOptimizer);

  // ---- run directory
  let runDir: string;
  let meta: RunMeta;
  let step: number;
  let controller: ControllerState;
  let rng: RngStreams;
  let cursor: DataCursor;
  let lastCheckpoint: string | undefined;
  if (resumed && resumed.runDir) {
    runDir = resumed.runDir;
    const s = resumed.state;
    step = s.step;
    controller = s.controller;
    rng = restoreRngStreams(s.rng);
    cursor = {
      epoch: s.epoch,
      batchInEpoch: s.batchInEpoch,
      epochStart: s.rng.dataAtEpochStart,
      nextEpochStart: undefined,
      iterator: undefined,
    };
    lastCheckpoint = resumed.dir;
    // Resuming from an older checkpoint abandons what came after it: metrics and the latest pointer.
    truncateMetrics(join(runDir, RUN_FILES.metrics), step);
    writeFileAtomic(join(runDir, RUN_FILES.latest), `${stepName(step)}\n`);
    meta = readRunMeta(join(runDir, RUN_FILES.meta));
    meta.totalSteps = totalSteps;
    meta.resumes.push({
      at: new Date().toISOString(),
      fromStep: step,
      backend: backend.name,
      set: [...(options.resumeSet ?? [])],
      ...(options.command === undefined ? {} : { command: options.command }),
    });
    // The recorded config stays the one in force (the overrides above are applied to it).
    writeFileAtomic(join(runDir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
    meta.status = 'running';
  } else {
    runDir = createRunDir(options.out ?? 'runs', config.name);
    writeFileAtomic(join(runDir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
    meta = createRunMeta({
      config,
      backend,
      dataset,
      totalSteps,
      generator,
      discriminator,
      command: options.command,
    });
    step = 0;
    controller = initialController(config);
    rng = createRngStreams(config.seed);
    cursor = {
      epoch: 0,
      batchInEpoch: 0,
      epochStart: rng.data.getState(),
      nextEpochStart: undefined,
      iterator: undefined,
    };
  }
  writeRunMeta(join(runDir, RUN_FILES.meta), meta);

  const gridCount = config.logging.gridSize * config.logging.gridSize;
  const fixedZ = sampleLatents({
    seed: config.seed,
    n: gridCount,
    latentDim: config.latent.dim,
    distribution: config.latent.distribution,
  });
  const sample = async (): Promise<void> => {
    const file = join(runDir, RUN_FILES.samples, `${stepName(step)}.png`);
    await writeSampleGrid(generator, fixedZ, config.latent.dim, file);
    await options.onArtifact?.('sample', file, step);
  };
  const checkpoint = async (): Promise<void> => {
    lastCheckpoint = await writeCheckpoint(runDir, {
      generator,
      discriminator,
      gOptimizer,
      dOptimizer,
      state: {
        step,
        epoch: cursor.epoch,
        batchInEpoch: cursor.batchInEpoch,
        rng: {
          dataAtEpochStart: cursor.epochStart,
          latent: rng.latent.getState(),
          noise: rng.noise.getState(),
        },
        controller,
        latent: config.latent,
      },
      diagnostics: options.diagnosticsState?.(),
    });
    await options.onArtifact?.('checkpoint', lastCheckpoint, step);
  };

  options.onStart?.({
    runDir,
    config,
    backend,
    dataset: { name: dataset.name, size: dataset.size, shape: dataset.shape },
    totalSteps,
    startStep: step,
    resumedFrom: resumed?.dir,
    diagnostics: savedDiagnostics,
  });

  const metricsFile = join(runDir, RUN_FILES.metrics);
  try {
    if (step === 0) await sample();
    while (step < totalSteps && !options.signal?.aborted) {
      const started = performance.now();
      const { batch, epoch } = takeBatch(dataset, config.batchSize, cursor, perEpoch);
      const outcome = trainStep(setup, {
        real: batch.images,
        batchSize: config.batchSize,
        index: step,
        latentRng: rng.latent,
        noiseRng: rng.noise,
        controller,
      });
      const seconds = (performance.now() - started) / 1000;
      step += 1;
      const metrics: StepMetrics = {
        step,
        epoch,
        ...outcome.metrics,
        imagesPerSec: seconds > 0 ? config.batchSize / seconds : 0,
      };
      appendMetrics(metricsFile, metrics);
      options.onStep?.(metrics);
      if (!outcome.finite || !lossesFinite(metrics)) {
        meta.status = 'failed';
        meta.finishedStep = step;
        meta.error = `non-finite loss at step ${step}`;
        writeRunMeta(join(runDir, RUN_FILES.meta), meta);
        throw new GanforgeError(
          'non_finite_loss',
          `training stopped: loss is not finite at step ${step} (${describeNonFinite(metrics)}); no update was applied from it`,
          {
            hint: lastCheckpoint
              ? `the last good checkpoint is ${lastCheckpoint}; resume it with lower learning rates: ganforge train --resume ${runDir} --set optimizers.d.lr=... --set optimizers.g.lr=...`
              : 'no checkpoint had been written yet; lower the learning rates (optimizers.*.lr) or set logging.checkpointEvery lower',
            status: 500,
          },
        );
      }
      controller = outcome.controller;
      const every = config.logging;
      if (every.sampleEvery > 0 && step % every.sampleEvery === 0) await sample();
      if (every.checkpointEvery > 0 && step % every.checkpointEvery === 0) await checkpoint();
      // Let signals, timers and the progress display run between steps.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const interrupted = step < totalSteps;
    const finalName = stepName(step);
    if (!lastCheckpoint?.endsWith(finalName)) await checkpoint();
    if (!interrupted && (config.logging.sampleEvery === 0 || step % config.logging.sampleEvery !== 0))
      await sample();
    meta.status = interrupted ? 'interrupted' : 'completed';
    meta.finishedStep = step;
    writeRunMeta(join(runDir, RUN_FILES.meta), meta);
    return {
      runDir,
      status: interrupted ? 'interrupted' : 'completed',
      step,
      totalSteps,
      lastCheckpoint,
      backend,
    };
  } finally {
    disposeGanSetup(setup);
  }
}
