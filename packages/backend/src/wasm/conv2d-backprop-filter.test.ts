import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { caseLabel, convCases } from '../testing/conv-cases.ts';
import type { ConvCase } from '../testing/conv-cases.ts';
import {
  maxAbsDiff,
  onBackend,
  pseudoRandom,
  pseudoRandomTensor,
  useBackendInSuite,
} from '../testing/on-backend.ts';

type Shape4 = [number, number, number, number];

/** dW by the kernel of the active backend, for a random x and a random upstream gradient dy. */
function filterGrad(c: ConvCase): Float32Array {
  return tf.tidy(() => {
    const xShape: Shape4 = [c.n, c.h, c.w, c.cin];
    const filterShape: Shape4 = [c.k, c.k, c.cin, c.cout];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, c.stride, 1, c.pad);
    const x = pseudoRandomTensor(xShape, 1);
    const dy = pseudoRandomTensor(info.outShape, 2);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape };
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
    expect(dw.shape).toEqual(filterShape);
    return dw.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter', () => {
  useBackendInSuite('wasm');

  it('is registered for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each(convCases().map((c) => [caseLabel(c), c] as const))(
    'matches the cpu kernel: %s',
    async (_label, c) => {
      const cpu = await onBackend('cpu', () => filterGrad(c));
      const wasm = await onBackend('wasm', () => filterGrad(c));
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
      expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(0.1); // a real, non-zero gradient
    },
  );

  it('gives the same filter gradient as cpu through tf.grad of conv2d (no tensors leak)', async () => {
    const run = (): Float32Array =>
      tf.tidy(() => {
        const x = tf.tensor4d(pseudoRandom(2 * 9 * 9 * 3, 3), [2, 9, 9, 3]);
        const f = tf.tensor4d(pseudoRandom(5 * 5 * 3 * 4, 4), [5, 5, 3, 4]);
        const g = tf.grad((filter: tf.Tensor) =>
          tf.sum(tf.square(tf.conv2d(x, filter as tf.Tensor4D, 2, 'same'))),
        )(f);
        return g.dataSync() as Float32Array;
      });
    const cpu = await onBackend('cpu', run);
    const before = await onBackend('wasm', () => tf.memory().numTensors);
    const wasm = await onBackend('wasm', run);
    expect(await onBackend('wasm', () => tf.memory().numTensors)).toBe(before);
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-3 * Math.max(...cpu.map(Math.abs)));
  });
});
