/**
 * Tanh for the wasm backend as tanh(x) = 2 * sigmoid(2x) - 1 on XNNPACK's vectorized sigmoid: the
 * shipped kernel calls a scalar tanh per element (~19 ns each; a generator's output layer is a
 * tanh over every pixel, ~1 ms per 50k). The identity costs a few ulps of 1 in absolute terms
 * (under 3e-7: far below a pixel's 1/255) where the shipped kernel is exact to the last bit.
 */
import { Multiply, Sigmoid, Sub, Tanh, util } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fasterKernel } from './faster-kernel.ts';
import { composed } from './run-kernel.ts';

/** Below this size the four kernels cost more than the scalar loop saves. */
export const TANH_BY_SIGMOID_FROM = 1024;

export const tanhWasmConfig: KernelConfig = fasterKernel(Tanh, ({ inputs, backend }) => {
  const { x } = inputs;
  if (x === undefined || x.dtype !== 'float32' || util.sizeFromShape(x.shape) < TANH_BY_SIGMOID_FROM)
    return undefined;
  return composed(backend, 'wasm', (t) => {
    const two = t.scalar(2);
    const s = t.run(Sigmoid, { x: t.run(Multiply, { a: x, b: two }) });
    return t.run(Sub, { a: t.run(Multiply, { a: s, b: two }), b: t.scalar(1) });
  });
});
