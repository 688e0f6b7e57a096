import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { CLASS_INPUT, classCount } from '../convert/class-input.ts';
import type { RuntimeName } from './runtimes.ts';
import { RUNNERS, RUNTIMES } from './runtimes.ts';

export const DEFAULT_TOLERANCE = 1e-4;

export interface ParityRequest {
  readonly model: tfl.LayersModel;
  readonly onnx: Uint8Array;
  readonly inputName: string;
  readonly outputName: string;
  /** The input batch, row-major, [batch, ...inputShape]. */
  readonly input: Float32Array;
  readonly inputShape: readonly number[];
  readonly batch: number;
  readonly tolerance?: number;
  readonly runtimes?: readonly RuntimeName[];
  /**
   * A conditional model's class ids, one per sample, each in [0, numClasses); default parityClasses (every
   * class in turn). Fed to tfjs as int32 [N, 1] and to ONNX as int64 [N].
   */
  readonly classes?: readonly number[];
  /** The ONNX graph input of the class ids (default 'class'). */
  readonly classInputName?: string;
}

/** The figures that go into the model card (core's ParitySchema) plus the tfjs backend they were measured against. */
export interface ParityReport {
  readonly maxAbsDiff: Partial<Record<RuntimeName, number>>;
  readonly tolerance: number;
  readonly batch: number;
  readonly tfjsBackend: string;
}

/** max |a - b|; NaN anywhere or a length mismatch counts as infinitely far. */
export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? NaN) - (b[i] ?? NaN));
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** The class ids a parity check feeds a conditional model by default: 0, 1, ..., numClasses - 1, 0, 1, ... */
export function parityClasses(batch: number, numClasses: number): number[] {
  return Array.from({ length: batch }, (_, i) => i % numClasses);
}

/** Throws unless `classes` has one class id in [0, numClasses) per sample. */
function checkClasses(classes: readonly number[], batch: number, numClasses: number): void {
  const bad = classes.find((c) => !Number.isInteger(c) || c < 0 || c >= numClasses);
  if (classes.length !== batch || bad !== undefined) {
    throw new Error(
      `parity: ${classes.length} class ids for a batch of ${batch}${bad === undefined ? '' : `, and ${bad} is not in [0, ${numClasses})`}`,
    );
  }
}

/**
 * The tfjs model's prediction in inference mode (one batch), on whatever tfjs backend is active. A conditional
 * model (one with a class input) also takes `classes`, one class id per sample, as int32 [N, 1].
 */
export function predictTfjs(
  model: tfl.LayersModel,
  input: Float32Array,
  dims: readonly number[],
  classes?: readonly number[],
): Float32Array {
  const batch = dims[0] ?? 1;
  const conditional = model.inputs.some((t) => t.dtype === 'int32');
  if (conditional !== (classes !== undefined)) {
    throw new Error(`parity: model '${model.name}' ${conditional ? 'needs' : 'takes no'} class ids`);
  }
  if (classes) checkClasses(classes, batch, classCount(model) ?? 0);
  return tf.tidy(() => {
    const x = tf.tensor(input, [...dims], 'float32');
    const c = classes ? tf.tensor2d([...classes], [batch, 1], 'int32') : undefined;
    const feeds = c ? model.inputs.map((t) => (t.dtype === 'int32' ? c : x)) : x;
    // One batch: predict() would otherwise split it into chunks of 32, and minibatch layers (stddev, mean
    // difference) depend on the whole batch.
    const y = model.predict(feeds, { batchSize: batch });
    if (Array.isArray(y)) throw new Error('parity: model has more than one output');
    return Float32Array.from(y.dataSync() as Float32Array);
  });
}

/**
 * Runs the same input (and, for a conditional model, the same class ids) through the tfjs model and the ONNX
 * bytes in each runtime and measures the largest absolute difference. Throws GanforgeError('export_parity') naming the runtime when one exceeds the tolerance.
 */
export async function checkParity(req: ParityRequest): Promise<ParityReport> {
  const tolerance = req.tolerance ?? DEFAULT_TOLERANCE;
  const dims = [req.batch, ...req.inputShape];
  const numClasses = req.model.inputs.some((t) => t.dtype === 'int32') ? classCount(req.model) : undefined;
  const classes =
    numClasses === undefined ? undefined : (req.classes ?? parityClasses(req.batch, numClasses));
  const expected = predictTfjs(req.model, req.input, dims, classes);
  const maxAbs: Partial<Record<RuntimeName, number>> = {};
  for (const runtime of req.runtimes ?? RUNTIMES) {
    const out = await RUNNERS[runtime]({
      model: req.onnx,
      inputName: req.inputName,
      outputName: req.outputName,
      input: req.input,
      dims,
      ...(classes ? { classes: { name: req.classInputName ?? CLASS_INPUT, values: classes } } : {}),
    });
    maxAbs[runtime] = maxAbsDiff(expected, out.data);
  }
  const report: ParityReport = {
    maxAbsDiff: maxAbs,
    tolerance,
    batch: req.batch,
    tfjsBackend: tf.getBackend(),
  };
  const worst = Object.entries(maxAbs).find(([, d]) => !(d <= tolerance));
  if (worst) {
    throw new GanforgeError(
      'export_parity',
      `parity check failed: ${worst[0]} differs from tfjs by ${worst[1]} (tolerance ${tolerance}, batch ${req.batch})`,
      {
        hint: 'nothing was written; this is an exporter bug for this model (or raise --tolerance if the difference is expected)',
      },
    );
  }
  return report;
}
