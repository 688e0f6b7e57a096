import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '@ganforge/data';
import { CHECKPOINT_FILES, readCheckpoint, type CheckpointState } from './checkpoint.ts';
import type { RunConfigView } from './run-config.ts';
import { loadLayersModel } from './model-files.ts';

export interface LoadedGenerator {
  readonly model: tfl.LayersModel;
  readonly latent: CheckpointState['latent'];
  /** What the generator makes, read off its output shape. */
  readonly imageShape: ImageShape;
  /** Steps trained. */
  readonly step: number;
  readonly checkpointDir: string;
  readonly runDir: string | undefined;
  readonly config: RunConfigView | undefined;
}

/**
 * The generator of a run directory (latest checkpoint, or the one at `step`), of a checkpoint
 * folder, or of its generator/ folder, with its latent space and image shape. Only G is loaded.
 * Select the backend first: deserializing creates tensors.
 */
export async function loadGenerator(
  path: string,
  options: { step?: number | undefined } = {},
): Promise<LoadedGenerator> {
  const { dir, runDir, state, config } = readCheckpoint(path, options);
  const model = await loadLayersModel(join(dir, CHECKPOINT_FILES.generator));
  const shape = model.outputs[0]?.shape ?? [];
  const [height, width, channels] = shape.slice(1) as number[];
  return {
    model,
    latent: state.latent,
    imageShape: { height: height ?? 0, width: width ?? 0, channels: channels === 3 ? 3 : 1 },
    step: state.step,
    checkpointDir: dir,
    runDir,
    config,
  };
}
