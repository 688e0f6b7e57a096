import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { itMatchesCpuOnConvCases } from '../testing/conv-backprop.ts';
import { maxAbsDiff, onBackend, pseudoRandom, useBackendInSuite } from '../testing/on-backend.ts';
import { conv2DBackpropInputWasmConfig, phaseAxis, phaseFilter } from './conv2d-backprop-input.ts';

describe('wasm Conv2DBackpropInput (XNNPACK phase decomposition)', () => {
  useBackendInSuite('wasm', { wasmGemm: 'xnnpack' }); // the wasm kernels (native-gemm/ has the onnxruntime ones)

  it('replaces the kernel tfjs-backend-wasm ships', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2DBackpropInputWasmConfig);
  });

  it('gives each phase its own flipped, transposed sub-filter: each tap lands in exactly one phase', () => {
    // W[kh, kw, 0, 0] = 10*kh + kw (k 3, stride 2): phase 0 has taps {0, 2}, phase 1 has tap {1}.
    const w = Float32Array.from({ length: 9 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
    const taps = (r: number): number => Math.ceil((3 - r) / 2);
    const filters = [0, 1].flatMap((rh) =>
      [0, 1].map((rw) => Array.from(phaseFilter(w, [3, 3, 1, 1], 2, [rh, rw], [taps(rh), taps(rw)]))),
    );
    // F[a, b] = W[rh + (J-1-a)*2, rw + (J-1-b)*2]: flipped.
    expect(filters[0]).toEqual([22, 20, 2, 0]); // (0,0): W[2,2] W[2,0] W[0,2] W[0,0]
    expect(filters[1]).toEqual([21, 1]); // (0,1): W[2,1] W[0,1]
    expect(filters[2]).toEqual([12, 10]); // (1,0): W[1,2] W[1,0]
    expect(filters[3]).toEqual([11]); // (1,1)
    expect(filters.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 10, 11, 12, 20, 21, 22]);
  });

  it('pads each phase so its conv yields exactly the rows the phase owns', () => {
    // k 4, s 2, 'same' 7 -> 14 (pad 1): phase 0 owns u = 2..14 (m 1..7), phase 1 owns u = 1..13 (m 0..6).
    expect(phaseAxis(0, 2, 4, 1, 14, 7)).toEqual({ taps: 2, first: 1, count: 7, padStart: 0, padEnd: 1 });
    expect(phaseAxis(1, 2, 4, 1, 14, 7)).toEqual({ taps: 2, first: 0, count: 7, padStart: 1, padEnd: 0 });
    // k 1, s 2: phase 1 has no taps (all zeros).
    expect(phaseAxis(1, 2, 1, 0, 8, 4)).toMatchObject({ taps: 0 });
    // A padding past the first tap would need dy rows skipped: not covered (shipped kernel).
    expect(phaseAxis(0, 1, 3, 3, 6, 2)).toBeUndefined();
  });

  itMatchesCpuOnConvCases('Conv2DBackpropInput', [5, 6]);

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
