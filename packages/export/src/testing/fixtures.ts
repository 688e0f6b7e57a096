// Test helpers: small tfjs models with random weights and non-trivial batch-norm statistics, and a parity runner.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { createRng } from '@ganforge/core';
import type { ConvertOptions } from '../convert/to-onnx.ts';
import { convertToOnnx } from '../convert/to-onnx.ts';
import type { IModelProto } from '../onnx/proto.ts';
import { encodeModel } from '../onnx/proto.ts';
import { CLASS_INPUT, classCount } from '../convert/class-input.ts';
import { maxAbsDiff, parityClasses, predictTfjs } from '../parity/check.ts';
import type { RuntimeName } from '../parity/runtimes.ts';
import { RUNNERS, RUNTIMES } from '../parity/runtimes.ts';

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export interface RandomizeOptions {
  readonly seed?: number;
  /** Range of the BN moving variance (default [0.3, 2]). */
  readonly variance?: readonly [number, number];
  /** Std of kernels and biases (default 0.3). */
  readonly weightStd?: number;
}

/** Sets every weight at random: kernels/biases N(0, std), gamma U(0.5, 1.5), beta/moving_mean N(0, 0.5), variance U(range). */
export function randomizeWeights(model: tfl.LayersModel, opts: RandomizeOptions = {}): void {
  const rng = createRng(opts.seed ?? 1);
  const [vLo, vHi] = opts.variance ?? [0.3, 2];
  const std = opts.weightStd ?? 0.3;
  for (const layer of model.layers) {
    const values = layer.weights.map((w) => {
      const key = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
      const n = w.shape.reduce((a: number, b) => a * (b ?? 1), 1);
      const draw = (): number => {
        if (key === 'gamma') return 0.5 + rng.nextFloat();
        if (key === 'beta' || key === 'moving_mean') return 0.5 * rng.nextNormal();
        if (key === 'moving_variance') return vLo + (vHi - vLo) * rng.nextFloat();
        if (key === 'u') return rng.nextNormal();
        return std * rng.nextNormal();
      };
      return tf.tensor(Float32Array.from({ length: n }, draw), w.shape as number[]);
    });
    if (values.length > 0) layer.setWeights(values);
    tf.dispose(values);
  }
}

export function uniformInput(n: number, seed = 7): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => 2 * rng.nextFloat() - 1);
}

export interface ParityFigures {
  readonly diff: Record<RuntimeName, number>;
  readonly outputDims: readonly number[];
  /** Largest |tfjs output|, to show the comparison is not between near-zero outputs. */
  readonly scale: number;
}

/**
 * Runs the model and the ONNX bytes (converted here unless given) on one input batch in every runtime. A
 * conditional model also gets class ids: `classes`, or every class in turn (parityClasses).
 */
export async function parity(
  model: tfl.LayersModel,
  opts: {
    batch?: number;
    convert?: ConvertOptions;
    proto?: IModelProto;
    runtimes?: readonly RuntimeName[];
    classes?: readonly number[];
    seed?: number;
  } = {},
): Promise<ParityFigures> {
  const batch = opts.batch ?? 3;
  const proto = opts.proto ?? convertToOnnx(model, opts.convert).model;
  const main = model.inputs.find((t) => t.dtype === 'float32') ?? model.inputs[0];
  const inputShape = (main?.shape ?? []).slice(1) as number[];
  const dims = [batch, ...inputShape];
  const input = uniformInput(
    dims.reduce((a, b) => a * b, 1),
    opts.seed,
  );
  const numClasses = model.inputs.some((t) => t.dtype === 'int32') ? classCount(model) : undefined;
  const classes = numClasses === undefined ? undefined : (opts.classes ?? parityClasses(batch, numClasses));
  const expected = predictTfjs(model, input, dims, classes);
  const bytes = encodeModel(proto);
  const diff = {} as Record<RuntimeName, number>;
  let outputDims: readonly number[] = [];
  for (const runtime of opts.runtimes ?? RUNTIMES) {
    const out = await RUNNERS[runtime]({
      model: bytes,
      inputName: opts.convert?.inputName ?? 'latent',
      outputName: opts.convert?.outputName ?? 'image',
      input,
      dims,
      ...(classes ? { classes: { name: opts.convert?.classInputName ?? CLASS_INPUT, values: classes } } : {}),
    });
    diff[runtime] = maxAbsDiff(expected, out.data);
    outputDims = out.dims;
  }
  const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return { diff, outputDims, scale };
}

/** A copy of a converted model with `edit` applied to it (to show a pitfall's wrong form breaks parity). */
export function mutate(proto: IModelProto, edit: (p: IModelProto) => void): IModelProto {
  const copy = structuredClone(proto);
  edit(copy);
  return copy;
}

export const TOL = 1e-4;
