import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { GanforgeError } from '@ganforge/core';
import { writeDirAtomic, writeFileAtomic } from './atomic.ts';
import { LatentConfigSchema } from './latent.ts';
import { readRunConfigView, type RunConfigView } from './run-config.ts';
import { loadLayersModel, MODEL_JSON, restoreOptimizer, saveLayersModel, saveOptimizer } from './model-files.ts';
import { isRunDir, parseStepName, RUN_FILES, stepName } from './run-dir.ts';

/**
 * A checkpoint: <run>/checkpoints/step-XXXXXX/ with
 *   generator/, discriminator/       the networks (model.json + weights.bin)
 *   optimizer-g.*, optimizer-d.*     Adam/RMSProp state (iterations and slots)
 *   state.json                       step, data position, every RNG stream, controller state, latent
 *   diagnostics.json                 the failure detectors' and rescues' state (supervised runs only)
 * Written as a whole folder (temp + rename), then `latest` points at it.
 */
export const CHECKPOINT_FILES = {
  generator: 'generator',
  discriminator: 'discriminator',
  state: 'state.json',
  diagnostics: 'diagnostics.json',
} as const;

/**
 * state.json, validated when read. `rng` and `controller` belong to the trainer that wrote them
 * (@ganforge/train: its RNG streams and the techniques' state); this package stores them as they are.
 */
export const CheckpointStateSchema = z.looseObject({
  step: z.int().min(0),
  epoch: z.int().min(0),
  batchInEpoch: z.int().min(0),
  rng: z.unknown(),
  controller: z.unknown(),
  latent: LatentConfigSchema,
});

export interface CheckpointState<Rng = unknown, Controller = unknown> {
  readonly step: number;
  readonly epoch: number;
  readonly batchInEpoch: number;
  readonly rng: Rng;
  readonly controller: Controller;
  readonly latent: z.output<typeof LatentConfigSchema>;
}

export interface CheckpointContents<Rng = unknown, Controller = unknown> {
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly gOptimizer: tf.Optimizer;
  readonly dOptimizer: tf.Optimizer;
  readonly state: CheckpointState<Rng, Controller>;
  /** The failure detectors' state as its owner encoded it (@ganforge/train's trainSupervised), when they watch the run. */
  readonly diagnostics?: string | undefined;
}

/** Writes a checkpoint of a run at state.step and points `latest` at it; returns its folder. */
export async function writeCheckpoint<Rng, Controller>(
  runDir: string,
  contents: CheckpointContents<Rng, Controller>,
): Promise<string> {
  const dir = join(runDir, RUN_FILES.checkpoints, stepName(contents.state.step));
  await writeDirAtomic(dir, async (tmp) => {
    await saveLayersModel(contents.generator, join(tmp, CHECKPOINT_FILES.generator));
    await saveLayersModel(contents.discriminator, join(tmp, CHECKPOINT_FILES.discriminator));
    await saveOptimizer(contents.gOptimizer, tmp, 'optimizer-g');
    await saveOptimizer(contents.dOptimizer, tmp, 'optimizer-d');
    writeFileAtomic(join(tmp, CHECKPOINT_FILES.state), `${JSON.stringify(contents.state, null, 2)}\n`);
    if (contents.diagnostics !== undefined)
      writeFileAtomic(join(tmp, CHECKPOINT_FILES.diagnostics), contents.diagnostics);
  });
  writeFileAtomic(join(runDir, RUN_FILES.latest), `${stepName(contents.state.step)}\n`);
  return dir;
}

/** The steps of a run's checkpoints, ascending. */
export function listCheckpoints(runDir: string): number[] {
  const dir = join(runDir, RUN_FILES.checkpoints);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((n) => {
      const step = parseStepName(n);
      return step !== undefined && existsSync(join(dir, n, CHECKPOINT_FILES.state)) ? [step] : [];
    })
    .sort((a, b) => a - b);
}

export interface CheckpointLocation {
  /** The checkpoint folder. */
  readonly dir: string;
  /** Its run directory, when it lies in one. */
  readonly runDir: string | undefined;
  readonly step: number;
}

const WHAT_TO_PASS = 'pass a run directory (runs/<name>-<time>) or one of its checkpoints/step-XXXXXX folders';

function readState(dir: string): CheckpointState {
  const file = join(dir, CHECKPOINT_FILES.state);
  const hint = 'the checkpoint is incomplete or damaged; use another one (--step)';
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GanforgeError('bad_checkpoint', `${file} cannot be read: ${(e as Error).message}`, { cause: e, hint });
  }
  const parsed = CheckpointStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GanforgeError('bad_checkpoint', `${file}: field '${issue?.path.join('.') ?? ''}' ${issue?.message ?? 'is invalid'}`, { hint });
  }
  return parsed.data as CheckpointState;
}

function ofCheckpointDir(dir: string): CheckpointLocation {
  const parent = dirname(dir);
  const run = dirname(parent);
  const runDir = basename(parent) === RUN_FILES.checkpoints && isRunDir(run) ? run : undefined;
  return { dir, runDir, step: readState(dir).step };
}

/**
 * Finds a checkpoint from what a user passes: a run directory (its `latest` checkpoint, or the one
 * at `step`), a checkpoint folder, or the generator/discriminator folder inside one.
 */
export function locateCheckpoint(path: string, options: { step?: number | undefined } = {}): CheckpointLocation {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new GanforgeError('not_found', `${path} does not exist`, { hint: WHAT_TO_PASS });
  if (!statSync(abs).isDirectory())
    throw new GanforgeError('not_a_run', `${path} is a file, neither a ganforge run directory nor a checkpoint`, { hint: WHAT_TO_PASS });
  if (existsSync(join(abs, CHECKPOINT_FILES.state))) return ofCheckpointDir(abs);
  if (existsSync(join(abs, MODEL_JSON)) && existsSync(join(dirname(abs), CHECKPOINT_FILES.state)))
    return ofCheckpointDir(dirname(abs));
  if (!isRunDir(abs) && !existsSync(join(abs, RUN_FILES.checkpoints))) {
    throw new GanforgeError('not_a_run', `${path} is neither a ganforge run directory nor a checkpoint`, { hint: WHAT_TO_PASS });
  }
  const steps = listCheckpoints(abs);
  const available = steps.length ? `checkpoints: ${steps.join(', ')}` : 'it has no checkpoints yet';
  if (options.step !== undefined) {
    if (!steps.includes(options.step)) {
      throw new GanforgeError('checkpoint_not_found', `${path} has no checkpoint at step ${options.step}`, {
        hint: available,
      });
    }
    return { dir: join(abs, RUN_FILES.checkpoints, stepName(options.step)), runDir: abs, step: options.step };
  }
  const latestFile = join(abs, RUN_FILES.latest);
  const latest = existsSync(latestFile) ? parseStepName(readFileSync(latestFile, 'utf8').trim()) : undefined;
  const step = latest !== undefined && steps.includes(latest) ? latest : steps.at(-1);
  if (step === undefined) {
    throw new GanforgeError('checkpoint_not_found', `${path} has no checkpoint yet`, {
      hint: 'train it for at least one checkpoint (logging.checkpointEvery), or stop it with Ctrl-C, which writes one',
    });
  }
  return { dir: join(abs, RUN_FILES.checkpoints, stepName(step)), runDir: abs, step };
}

/** A located checkpoint with its state.json and its run's config; its networks are not loaded. */
export interface CheckpointInfo extends CheckpointLocation {
  readonly state: CheckpointState;
  readonly config: RunConfigView | undefined;
}

/** Locates a checkpoint as locateCheckpoint does and reads its state and its run's config. */
export function readCheckpoint(path: string, options: { step?: number | undefined } = {}): CheckpointInfo {
  const where = locateCheckpoint(path, options);
  return { ...where, state: readState(where.dir), config: readRunConfigView(where.runDir) };
}

export interface LoadedCheckpoint extends CheckpointInfo {
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
}

/** Loads both networks of a checkpoint (on the active backend) with its state and its run's config. */
export async function loadCheckpoint(
  path: string,
  options: { step?: number | undefined } = {},
): Promise<LoadedCheckpoint> {
  const info = readCheckpoint(path, options);
  const generator = await loadLayersModel(join(info.dir, CHECKPOINT_FILES.generator));
  const discriminator = await loadLayersModel(join(info.dir, CHECKPOINT_FILES.discriminator));
  return { ...info, generator, discriminator };
}

/**
 * The failure detectors' state saved in a checkpoint folder, as written (its owner decodes it);
 * undefined when it has none (written without the detectors).
 */
export function readCheckpointDiagnostics(dir: string): string | undefined {
  const file = join(dir, CHECKPOINT_FILES.diagnostics);
  if (!existsSync(file)) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new GanforgeError('bad_checkpoint', `${file} cannot be read: ${(e as Error).message}`, {
      cause: e,
      hint: 'the checkpoint is damaged; resume from another one (pass its checkpoints/step-XXXXXX folder)',
    });
  }
}

/** Restores both optimizers' state from a checkpoint folder. */
export async function restoreOptimizers(dir: string, gOptimizer: tf.Optimizer, dOptimizer: tf.Optimizer): Promise<void> {
  await restoreOptimizer(gOptimizer, dir, 'optimizer-g');
  await restoreOptimizer(dOptimizer, dir, 'optimizer-d');
}

export { readState as readCheckpointState };
