import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, onBackend, pseudoRandom, useBackendInSuite } from '../testing/on-backend.ts';

const shape: [number, number, number, number] = [2, 6, 6, 3];
const x = (): tf.Tensor4D => tf.tensor4d(pseudoRandom(2 * 6 * 6 * 3, 31), shape);
const filter = (): tf.Tensor4D => tf.tensor4d(pseudoRandom(3 * 3 * 3 * 2, 32), [3, 3, 3, 2]);

/** Gradients whose kernels tfjs-backend-wasm 4.22 lacks or computes wrongly. */
const gradients: Record<string, () => tf.Tensor[]> = {
  'MaxPoolGrad (wrong on wasm with channels > 1)': () => [
    tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(xi as tf.Tensor4D, 2, 2, 'same'), 3)))(x()),
  ],
  'ResizeNearestNeighborGrad (UpSampling2D; wrong on wasm with batch > 1)': () => [
    tf.grad((xi: tf.Tensor) =>
      tf.sum(tf.square(tf.image.resizeNearestNeighbor(xi as tf.Tensor4D, [12, 12]))),
    )(x()),
  ],
  'DepthwiseConv2dNativeBackpropInput/Filter (missing on wasm)': () =>
    tf.grads((xi: tf.Tensor, fi: tf.Tensor) =>
      tf.sum(tf.square(tf.depthwiseConv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 2, 'same'))),
    )([x(), filter()]),
};

describe('wasm kernels computed by the cpu kernel', () => {
  useBackendInSuite('wasm');

  it.each(Object.entries(gradients))('%s matches cpu, without leaking tensors', async (_name, grads) => {
    const read = (): number[][] => tf.tidy(() => grads().map((g) => Array.from(g.dataSync())));
    const cpu = await onBackend('cpu', read);
    const before = await onBackend('wasm', () => tf.memory().numTensors);
    const wasm = await onBackend('wasm', read);
    expect(await onBackend('wasm', () => tf.memory().numTensors)).toBe(before);
    cpu.forEach((expected, i) => {
      expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1);
      expect(maxAbsDiff(wasm[i]!, expected)).toBeLessThan(1e-5);
    });
  });
});
