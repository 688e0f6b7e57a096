import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { selectBackend, type BackendInfo, type BackendName, type WasmGemm } from '@ganforge/backend';
import { batchesPerEpoch, loadDataset, type Dataset } from '@ganforge/data';
import {
  createRunDir,
  loadCheckpoint,
  readRunMeta,
  restoreOptimizers,
  RUN_FILES,
  stepName,
  truncateMetrics,
  writeFileAtomic,
  writeRunMeta,
  type CheckpointLocation,
  type LoadedCheckpoint,
  type RunMeta,
} from '@ganforge/runs';
import type { TrainConfig } from '../config/schema.ts';
import { assertShapeFits } from '../config/shape.ts';
import { assertConditioningFits } from '../config/conditioning-fits.ts';
import { readCheckpointSupervisorState, type SupervisorState } from '../diagnostics/supervisor-state.ts';
import { techniquesOn } from '../techniques/techniques-on.ts';
import { freshPosition, savedPosition, type RunPosition } from './checkpointing.ts';
import { createRunMeta } from './create-run-meta.ts';
import { buildGan, createGanSetup, disposeGanSetup, type GanSetup } from './gan-setup.ts';
import { locateResumedCheckpoint, resumedConfig } from './resume-config.ts';

/** What a run is opened from: a config for a new run, or a run (or one of its checkpoints) to resume. */
export interface OpenRunOptions {
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
  /** wasm backend: threads (default: GANFORGE_WASM_THREADS, else 1 on the onnxruntime route, one per core up to 8 on XNNPACK; fixed per process). */
  readonly wasmThreads?: number | undefined;
  /** wasm backend: where convolutions and matmuls run (default: GANFORGE_WASM_GEMM, else onnxruntime). */
  readonly wasmGemm?: WasmGemm | undefined;
  /** Backend 'auto': told each backend passed over and why, before the one chosen (e.g. webgpu: no adapter). */
  readonly onBackendSkip?: ((name: BackendName, reason: string) => void) | undefined;
  /** An already loaded dataset instead of loading config.dataset (programmatic use, tests). */
  readonly dataset?: Dataset | undefined;
  /** The command line that started this (for the run's meta.json and, through export, the model card). */
  readonly command?: string | undefined;
}

/** A run ready for its first step, new or resumed: everything the loop needs, checked once. */
export interface OpenRun {
  readonly config: TrainConfig;
  readonly backend: BackendInfo;
  readonly dataset: Dataset;
  readonly batchesPerEpoch: number;
  readonly totalSteps: number;
  readonly runDir: string;
  /** The run's meta.json as written; the loop updates its status. */
  readonly meta: RunMeta;
  /** The networks, their optimizers (restored on resume), the loss. */
  readonly setup: GanSetup;
  /** Step, data cursor, RNG streams and techniques' state (from the checkpoint on resume). */
  readonly position: RunPosition;
  /** The checkpoint folder resumed from; undefined for a new run. */
  readonly resumedFrom: string | undefined;
  /** The failure detectors' state saved in that checkpoint (read only when asked for). */
  readonly savedDiagnostics: SupervisorState | undefined;
  /** The newest checkpoint written (or resumed from). */
  lastCheckpoint: string | undefined;
}

/**
 * Opens a run: its config (a resumed run's own, with its overrides), the backend, the checkpoint to
 * continue, the dataset, G and D with their optimizers, the position, then the run folder (created, or
 * reopened: metrics after the checkpoint dropped, config and meta updated). Everything is checked
 * before the run folder is touched: a bad input leaves no new run folder, and a resumed one as it was.
 * With `readDiagnostics`, the failure detectors' state saved in the checkpoint comes back too.
 */
export async function openRun(options: OpenRunOptions, readDiagnostics = false): Promise<OpenRun> {
  const { config, from } = configToRun(options);

  // The backend must be active before any tensor exists (loading a checkpoint makes tensors).
  const backend = await selectBackend(options.backend ?? config.backend, {
    ...(options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads }),
    ...(options.wasmGemm === undefined ? {} : { wasmGemm: options.wasmGemm }),
    ...(options.onBackendSkip === undefined ? {} : { onSkip: options.onBackendSkip }),
  });
  const checkpoint = from ? await loadCheckpoint(from.dir) : undefined;
  const savedDiagnostics = from && readDiagnostics ? readCheckpointSupervisorState(from.dir) : undefined;
  const dataset = options.dataset ?? (await loadDataset(config.dataset));
  assertShapeFits(config, dataset);
  assertConditioningFits(config, dataset);
  const perEpoch = batchesPerEpoch(dataset, config.batchSize);
  const totalSteps = config.steps > 0 ? config.steps : config.epochs * perEpoch;

  const { generator, discriminator } = checkpoint ?? buildGan(config, dataset.shape, dataset.numClasses);
  try {
    assertShapeFits(config, dataset, { generator, discriminator });
    assertConditioningFits(config, dataset, { generator });
  } catch (e) {
    generator.dispose();
    discriminator.dispose();
    throw e;
  }
  const setup = createGanSetup(config, generator, discriminator, totalSteps);
  try {
    if (checkpoint) await restoreOptimizers(checkpoint.dir, setup.gOptimizer, setup.dOptimizer);
    const position = checkpoint
      ? savedPosition(checkpoint.state, config, checkpoint.dir)
      : freshPosition(config);
    const { runDir, meta } = checkpoint
      ? reopenRunFolder(checkpoint, config, {
          backend,
          totalSteps,
          set: options.resumeSet ?? [],
          command: options.command,
        })
      : createRunFolder(options.out ?? 'runs', config, {
          backend,
          dataset,
          totalSteps,
          setup,
          command: options.command,
        });
    writeRunMeta(join(runDir, RUN_FILES.meta), meta);
    return {
      config,
      backend,
      dataset,
      batchesPerEpoch: perEpoch,
      totalSteps,
      runDir,
      meta,
      setup,
      position,
      resumedFrom: checkpoint?.dir,
      savedDiagnostics,
      lastCheckpoint: checkpoint?.dir,
    };
  } catch (e) {
    disposeGanSetup(setup);
    throw e;
  }
}

/** The config of the run, and for a resume the checkpoint it continues. */
function configToRun(options: OpenRunOptions): { config: TrainConfig; from: CheckpointLocation | undefined } {
  if (options.resume !== undefined) {
    const from = locateResumedCheckpoint(options.resume);
    return { config: resumedConfig(options.resume, from, options.resumeSet ?? []), from };
  }
  if (options.config === undefined)
    throw new GanforgeError('bad_config', 'train() needs a config or a run to resume');
  return { config: options.config, from: undefined };
}

function writeConfig(runDir: string, config: TrainConfig): void {
  writeFileAtomic(join(runDir, RUN_FILES.config), `${JSON.stringify(config, null, 2)}\n`);
}

/** A new run folder with its config.json; returns it and the run's meta (not yet written). */
function createRunFolder(
  out: string,
  config: TrainConfig,
  args: {
    backend: BackendInfo;
    dataset: Dataset;
    totalSteps: number;
    setup: GanSetup;
    command: string | undefined;
  },
): { runDir: string; meta: RunMeta } {
  const runDir = createRunDir(out, config.name);
  writeConfig(runDir, config);
  const meta = createRunMeta({
    config,
    backend: args.backend,
    dataset: args.dataset,
    totalSteps: args.totalSteps,
    generator: args.setup.generator,
    discriminator: args.setup.discriminator,
    command: args.command,
  });
  return { runDir, meta };
}

/**
 * The folder of a resumed run, set back to its checkpoint: what came after it (metrics, the latest
 * pointer) is abandoned, config.json gets the config in force (with the resume's overrides), and the
 * meta records the resume.
 */
function reopenRunFolder(
  checkpoint: LoadedCheckpoint,
  config: TrainConfig,
  args: { backend: BackendInfo; totalSteps: number; set: readonly string[]; command: string | undefined },
): { runDir: string; meta: RunMeta } {
  const runDir = checkpoint.runDir as string;
  const { step } = checkpoint.state;
  truncateMetrics(join(runDir, RUN_FILES.metrics), step);
  writeFileAtomic(join(runDir, RUN_FILES.latest), `${stepName(step)}\n`);
  const meta = readRunMeta(join(runDir, RUN_FILES.meta));
  meta.totalSteps = args.totalSteps;
  meta.techniques = techniquesOn(config);
  meta.resumes.push({
    at: new Date().toISOString(),
    fromStep: step,
    backend: args.backend.name,
    set: [...args.set],
    ...(args.command === undefined ? {} : { command: args.command }),
  });
  writeConfig(runDir, config);
  meta.status = 'running';
  return { runDir, meta };
}
