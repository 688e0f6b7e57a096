import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { caseLabel, convCases, type ConvCase } from './conv-cases.ts';
import { maxAbsDiff, onBackend, pseudoRandomTensor } from './on-backend.ts';

type Shape4 = [number, number, number, number];

/** The conv2d backprop kernels: dW (fed x and dy) and dx (fed the filter and dy). */
export type ConvBackpropKernel = 'Conv2DBackpropFilter' | 'Conv2DBackpropInput';

/**
 * The gradient `kernel` of the active backend gives for the geometry `c`, fed pseudo-random tensors seeded
 * `seeds` (x or the filter, then dy); checks it has the shape of the filter (dW) or of x (dx).
 */
export function convBackprop(kernel: ConvBackpropKernel, c: ConvCase, seeds: [number, number]): Float32Array {
  return tf.tidy(() => {
    const inputShape: Shape4 = [c.n, c.h, c.w, c.cin];
    const filterShape: Shape4 = [c.k, c.k, c.cin, c.cout];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, c.stride, 1, c.pad);
    const other = pseudoRandomTensor(kernel === 'Conv2DBackpropFilter' ? inputShape : filterShape, seeds[0]);
    const dy = pseudoRandomTensor(info.outShape, seeds[1]);
    const common = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC' };
    const grad =
      kernel === 'Conv2DBackpropFilter'
        ? (tf.engine().runKernel(kernel, { x: other, dy }, { ...common, filterShape }) as tf.Tensor)
        : (tf.engine().runKernel(kernel, { dy, filter: other }, { ...common, inputShape }) as tf.Tensor);
    expect(grad.shape).toEqual(kernel === 'Conv2DBackpropFilter' ? filterShape : inputShape);
    return grad.dataSync() as Float32Array;
  });
}

/** One test per convCases() geometry: `kernel` gives on wasm what it gives on cpu, a real non-zero gradient. */
export function itMatchesCpuOnConvCases(kernel: ConvBackpropKernel, seeds: [number, number]): void {
  it.each(convCases().map((c) => [caseLabel(c), c] as const))(
    'matches the cpu kernel: %s',
    async (_label, c) => {
      const cpu = await onBackend('cpu', () => convBackprop(kernel, c, seeds));
      const wasm = await onBackend('wasm', () => convBackprop(kernel, c, seeds));
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
      expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(0.1); // a real, non-zero gradient
    },
  );
}
