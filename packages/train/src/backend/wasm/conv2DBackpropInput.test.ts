import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { caseLabel, convCases } from '../testing/convCases.ts';
import type { ConvCase } from '../testing/convCases.ts';
import {
  maxAbsDiff,
  onBackend,
  pseudoRandom,
  pseudoRandomTensor,
  useBackendInSuite,
} from '../testing/onBackend.ts';
import { conv2DBackpropInputWasmConfig, phaseFilters } from './conv2DBackpropInput.ts';

type Shape4 = [number, number, number, number];

/** dx by the Conv2DBackpropInput kernel of the active backend, for a random filter and dy. */
function inputGrad(c: ConvCase): Float32Array {
  return tf.tidy(() => {
    const inputShape: Shape4 = [c.n, c.h, c.w, c.cin];
    const filterShape: Shape4 = [c.k, c.k, c.cin, c.cout];
    const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, c.stride, 1, c.pad);
    const filter = pseudoRandomTensor(filterShape, 5);
    const dy = pseudoRandomTensor(info.outShape, 6);
    const attrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape };
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor;
    expect(dx.shape).toEqual(inputShape);
    return dx.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropInput (XNNPACK phase decomposition)', () => {
  useBackendInSuite('wasm');

  it('replaces the kernel tfjs-backend-wasm ships', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2DBackpropInputWasmConfig);
  });

  it('stacks the phase sub-filters: each tap lands in exactly one phase, flipped', () => {
    // W[kh, kw, 0, 0] = 10*kh + kw (k 3, stride 2): J = 2, phases (rh, rw) in {0,1}^2.
    const w = Float32Array.from({ length: 9 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
    const { values, shape } = phaseFilters(w, [3, 3, 1, 1], 2);
    expect(shape).toEqual([2, 2, 1, 4]);
    const at = (a: number, b: number, phase: number): number => values[(a * 2 + b) * 4 + phase] ?? NaN;
    // F[a, b, (rh*2 + rw)] = W[rh + (1-a)*2, rw + (1-b)*2], 0 past the edge.
    expect(at(1, 1, 0)).toBe(0); // W[0,0]
    expect(at(0, 0, 0)).toBe(22); // W[2,2]
    expect(at(0, 1, 1)).toBe(21); // W[2,1]
    expect(at(0, 0, 3)).toBe(0); // W[3,3]: outside
    expect(at(1, 1, 3)).toBe(11); // W[1,1]
    expect([...values].filter((v) => v !== 0).sort((a, b) => a - b)).toEqual([1, 2, 10, 11, 12, 20, 21, 22]);
  });

  it.each(convCases().map((c) => [caseLabel(c), c] as const))(
    'matches the cpu kernel: %s',
    async (_label, c) => {
      const cpu = await onBackend('cpu', () => inputGrad(c));
      const wasm = await onBackend('wasm', () => inputGrad(c));
      expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
      expect(Math.max(...cpu.map(Math.abs))).toBeGreaterThan(0.1);
    },
  );

  it('conv2dTranspose forward and both its gradients match cpu (no tensors leak)', async () => {
    const run = (): Float32Array[] =>
      tf.tidy(() => {
        const x = tf.tensor4d(pseudoRandom(4 * 7 * 7 * 6, 7), [4, 7, 7, 6]);
        const f = tf.tensor4d(pseudoRandom(5 * 5 * 3 * 6, 8), [5, 5, 3, 6]);
        const up = (xi: tf.Tensor, fi: tf.Tensor): tf.Tensor =>
          tf.conv2dTranspose(xi as tf.Tensor4D, fi as tf.Tensor4D, [4, 14, 14, 3], 2, 'same');
        const [dx, df] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.square(up(xi, fi))))([x, f]);
        return [up(x, f), dx!, df!].map((t) => t.dataSync() as Float32Array);
      });
    const cpu = await onBackend('cpu', run);
    const before = await onBackend('wasm', () => tf.memory().numTensors);
    const wasm = await onBackend('wasm', run);
    expect(await onBackend('wasm', () => tf.memory().numTensors)).toBe(before);
    cpu.forEach((expected, i) => {
      const scale = Math.max(...expected.map(Math.abs));
      expect(maxAbsDiff(wasm[i]!, expected)).toBeLessThan(1e-5 * Math.max(1, scale));
    });
  });
});
