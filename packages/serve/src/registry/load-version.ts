import { GanforgeError, sampleLatents, type ModelCard } from '@ganforge/core';
import type { DeviceChoice, LoadedSession, WorkerPool } from '../engine/worker-pool.ts';
import { errorInfo, readModelFolder } from './model-folder.ts';
import { specFromCard, type ModelSpec } from './model-spec.ts';
import { servingLimits, type ModelLimits, type ServerLimits } from './serving-limits.ts';

/** One version of a model, loaded into every session worker under its key and warmed up. */
export interface LoadedVersion {
  readonly card: ModelCard;
  readonly cardJson: Uint8Array;
  readonly modelOnnx: Uint8Array;
  readonly session: LoadedSession;
  readonly spec: ModelSpec;
  readonly limits: ModelLimits;
  /** The slowest session's warm-up run (one sample), in ms: a first, high guess at a run's cost per sample. */
  readonly warmupMs: number;
}

/**
 * Reads models/<name>, loads its model.onnx into a session in every worker under `key`, checks the card
 * against the graph, works out its limits and runs it once per session. Throws a GanforgeError naming
 * the file and the fix; the sessions of a version that failed are the caller's to unload (by `key`).
 */
export async function loadVersion(o: {
  readonly modelsDir: string;
  readonly name: string;
  readonly key: string;
  readonly pool: WorkerPool;
  readonly device: DeviceChoice;
  readonly serverLimits: ServerLimits;
}): Promise<LoadedVersion> {
  const { pool, key, device } = o;
  const { card, cardJson, modelOnnx } = await readModelFolder(o.modelsDir, o.name);
  let session: LoadedSession;
  try {
    // Loaded from the bytes just read, so the session and what browsers download are one version.
    session = await pool.load(key, modelOnnx, device);
  } catch (e) {
    // Named relative to the models folder: responses must not reveal server paths.
    throw new GanforgeError(
      'model_load_failed',
      `cannot load ${o.name}/model.onnx: ${errorInfo(e).message}`,
      {
        hint:
          device === 'cuda'
            ? 'install the CUDA execution provider (see README) or use --device auto'
            : device === 'webgpu'
              ? 'WebGPU needs a GPU with a Vulkan driver (see README, Backends), or use --device auto'
              : 'the file may be corrupt; re-export it',
      },
    );
  }
  const spec = specFromCard(card, session);
  const limits = servingLimits(card, o.serverLimits);
  // Warm-up: the first run of each session allocates and plans; do it before counting as ready.
  const latents = sampleLatents({
    seed: 0,
    n: 1,
    latentDim: spec.latentDim,
    distribution: spec.distribution,
  });
  const warmups = await pool.runOnEach({
    key,
    inputName: spec.inputName,
    outputName: spec.outputName,
    latents,
    n: 1,
    latentDim: spec.latentDim,
    ...(spec.conditioning
      ? { classes: { inputName: spec.conditioning.inputName, ids: new Int32Array(1) } }
      : {}),
  });
  return {
    card,
    cardJson,
    modelOnnx,
    session,
    spec,
    limits,
    warmupMs: Math.max(0, ...warmups.map((r) => r.runMs)),
  };
}
