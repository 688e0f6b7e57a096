import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { itMatchesCpuOnConvCases } from '../testing/conv-backprop.ts';
import { maxAbsDiff, onBackend, pseudoRandom, useBackendInSuite } from '../testing/on-backend.ts';

describe('wasm Conv2DBackpropFilter', () => {
  useBackendInSuite('wasm', { wasmGemm: 'xnnpack' }); // the wasm kernels (native-gemm/ has the onnxruntime ones)

  it('is registered for wasm', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  itMatchesCpuOnConvCases('Conv2DBackpropFilter', [1, 2]);

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
