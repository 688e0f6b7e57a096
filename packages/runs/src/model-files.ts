import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
// Registers ganforge's custom layers (spectral norm, minibatch features) for deserialization.
import './layers/index.ts';

/**
 * A tfjs LayersModel on disk in tfjs' own "layers-model" format (model.json + weights.bin), the
 * format `tf.loadLayersModel('file://...')` of tfjs-node reads, written without needing tfjs-node.
 */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Writes `model` into folder `dir` (created). */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      writeFileSync(join(dir, WEIGHTS_BIN), new Uint8Array(weightData));
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tfl.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads a folder written by saveLayersModel back into a LayersModel (on the active backend). */
export async function loadLayersModel(dir: string): Promise<tfl.LayersModel> {
  let json: ModelJson;
  let bin: Buffer;
  try {
    json = JSON.parse(readFileSync(join(dir, MODEL_JSON), 'utf8')) as ModelJson;
    bin = readFileSync(join(dir, WEIGHTS_BIN));
  } catch (e) {
    throw new GanforgeError('bad_checkpoint', `cannot read the model in ${dir}: ${(e as Error).message}`, {
      cause: e,
      hint: 'the checkpoint is incomplete or damaged; use another one (--step)',
    });
  }
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData,
    }),
  );
}

/**
 * Adam keeps its bias-correction products beta^t as running variables (accBeta1, accBeta2) that
 * getWeights() leaves out; setWeights() recomputes them with pow(), which differs from the running
 * product in the last bits. Saving them makes a resumed run bit-identical to an uninterrupted one.
 */
interface AdamAccumulators {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function adamAccumulators(optimizer: tf.Optimizer): number[] | undefined {
  const { accBeta1, accBeta2 } = optimizer as unknown as AdamAccumulators;
  if (!accBeta1 || !accBeta2) return undefined;
  return [accBeta1.dataSync()[0] as number, accBeta2.dataSync()[0] as number];
}

/** Writes an optimizer's state (iterations and slot variables, in order) as <name>.json + <name>.bin. */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string, name: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // Only the iteration count is a fresh tensor; the rest are the optimizer's own variables.
  weights[0]?.tensor.dispose();
  writeFileSync(join(dir, `${name}.bin`), new Uint8Array(data));
  const meta = { className: optimizer.getClassName(), specs, adamAccumulators: adamAccumulators(optimizer) };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(meta));
}

/** Restores what saveOptimizer wrote into an optimizer of the same kind. */
export async function restoreOptimizer(optimizer: tf.Optimizer, dir: string, name: string): Promise<void> {
  const meta = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    className: string;
    specs: tf.io.WeightsManifestEntry[];
    adamAccumulators?: [number, number];
  };
  if (meta.className !== optimizer.getClassName()) {
    throw new GanforgeError(
      'optimizer_mismatch',
      `${join(dir, `${name}.json`)} holds a ${meta.className} state, but the config asks for ${optimizer.getClassName()}`,
      { hint: 'resume with the optimizer the run was trained with' },
    );
  }
  const bin = readFileSync(join(dir, `${name}.bin`));
  const map = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), meta.specs);
  const named = meta.specs.map((s) => ({ name: s.name, tensor: map[s.name] as tf.Tensor }));
  await optimizer.setWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  const acc = optimizer as unknown as AdamAccumulators;
  if (meta.adamAccumulators && acc.accBeta1 && acc.accBeta2) {
    const [b1, b2] = meta.adamAccumulators;
    tf.tidy(() => {
      acc.accBeta1?.assign(tf.scalar(b1));
      acc.accBeta2?.assign(tf.scalar(b2));
    });
  }
}
