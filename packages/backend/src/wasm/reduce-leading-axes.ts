/**
 * Sum and Mean over the leading axes (e.g. [N, H, W] of an NHWC tensor) for the wasm backend: the
 * reductions of every bias gradient and of batch norm's statistics and gradients. The shipped
 * kernels move the reduced axes last with a transpose before reducing, and tfjs-backend-wasm's
 * transposes are slow (a general 4-D one ~1 ms for [64,14,14,32]; a 2-D [12544, 64] one ~2 ms from
 * cache aliasing). Here the data stays in place: viewed as [A, B, 1, C] (A = the first axis,
 * B = the other reduced ones), XNNPACK's average pooling with a [B, 1] window gives the mean over
 * B (~0.25 ms for [64,14,14,64]), and the shipped kernel reduces the small [A, C] rest. Other axis
 * sets use the shipped kernels.
 */
import { AvgPool, Mean, Multiply, Sum, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, SumAttrs, TensorInfo } from '@tensorflow/tfjs-core';
import { fasterKernel, type KernelArgs } from './faster-kernel.ts';
import { composed } from './run-kernel.ts';

const BACKEND = 'wasm';

/** How many leading axes `axis` reduces, or undefined when it is not exactly a leading run short of all axes. */
export function leadingAxesCount(axis: number | number[], shape: readonly number[]): number | undefined {
  const axes = [...util.parseAxisParam(axis, shape as number[])].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length === shape.length) return undefined;
  return axes.every((a, i) => a === i) ? axes.length : undefined;
}

function reduceLeading(kernelName: typeof Sum | typeof Mean): (args: KernelArgs) => TensorInfo | undefined {
  return ({ inputs, backend, attrs }) => {
    const { x } = inputs;
    if (x === undefined || x.dtype !== 'float32') return undefined;
    const { axis, keepDims } = attrs as unknown as SumAttrs;
    const k = leadingAxesCount(axis, x.shape);
    if (k === undefined) return undefined;
    const kept = x.shape.slice(k);
    const channels = util.sizeFromShape(kept);
    // [A, B] = the reduced rows, split so the pooling window (B) is not the whole batch when k > 1.
    const a = k > 1 ? (x.shape[0] as number) : 1;
    const b = util.sizeFromShape(x.shape.slice(0, k)) / a;
    // Pooling vectorizes over channels: with fewer than 4 the shipped kernel's transpose is ~free
    // and it wins ([64,28,28,1]: 0.07 ms shipped, 0.46 ms pooled).
    if (b < 2 || channels < 4) return undefined;
    return composed(backend, BACKEND, (t) => {
      const view = { dataId: x.dataId, shape: [a, b, 1, channels], dtype: x.dtype };
      const pooled = t.run(AvgPool, { x: view }, { filterSize: [b, 1], strides: [1, 1], pad: 'valid' }); // [A, 1, 1, C]
      let out: TensorInfo = { dataId: pooled.dataId, shape: [a, channels], dtype: pooled.dtype };
      if (a > 1) out = t.run(kernelName, { x: out }, { axis: [0], keepDims: false });
      if (kernelName === Sum) out = t.run(Multiply, { a: out, b: t.scalar(b) });
      return { ...out, shape: keepDims ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept };
    });
  };
}

export const sumWasmConfig: KernelConfig = fasterKernel(Sum, reduceLeading(Sum));
export const meanWasmConfig: KernelConfig = fasterKernel(Mean, reduceLeading(Mean));
