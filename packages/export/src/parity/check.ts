import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
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

/** The tfjs model's prediction in inference mode (one batch), on whatever tfjs backend is active. */
export function predictTfjs(
  model: tfl.LayersModel,
  input: Float32Array,
  dims: readonly number[],
): Float32Array {
  return tf.tidy(() => {
    // One batch: predict() would otherwise split it into chunks of 32, and minibatch layers (stddev, mean
    // difference) depend on the whole batch.
    const y = model.predict(tf.tensor(input, [...dims], 'float32'), { batchSize: dims[0] ?? 1 });
    if (Array.isArray(y)) throw new Error('parity: model has more than one output');
    return Float32Array.from(y.dataSync() as Float32Array);
  });
}

/**
 * Runs the same input through the tfjs model and the ONNX bytes in each runtime and measures the largest absolute
 * difference. Throws GanforgeError('export_parity') naming the runtime when one exceeds the tolerance.
 */
export async function checkParity(req: ParityRequest): Promise<ParityReport> {
  const tolerance = req.tolerance ?? DEFAULT_TOLERANCE;
  const dims = [req.batch, ...req.inputShape];
  const expected = predictTfjs(req.model, req.input, dims);
  const maxAbs: Partial<Record<RuntimeName, number>> = {};
  for (const runtime of req.runtimes ?? RUNTIMES) {
    const out = await RUNNERS[runtime]({
      model: req.onnx,
      inputName: req.inputName,
      outputName: req.outputName,
      input: req.input,
      dims,
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
