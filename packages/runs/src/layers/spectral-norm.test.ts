import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { GanforgeError } from '@ganforge/core';
import type { SpectralNormalization} from './spectral-norm.ts';
import { spectralNormalization } from './spectral-norm.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Largest singular value of a [rows, cols] row-major matrix, by 500 power iterations in plain JS. */
function largestSingularValue(w: Float32Array | number[], rows: number, cols: number): number {
  let u = Array.from({ length: cols }, (_, i) => 1 + i / cols);
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const v = Array.from({ length: rows }, (_, r) => u.reduce((s, uc, c) => s + (w[r * cols + c] ?? 0) * uc, 0));
    const next = Array.from({ length: cols }, (_, c) => v.reduce((s, vr, r) => s + (w[r * cols + c] ?? 0) * vr, 0));
    const norm = Math.hypot(...next);
    sigma = Math.sqrt(norm);
    u = next.map((x) => x / norm);
  }
  return sigma;
}

function oneLayerModel(layer: tfl.layers.Layer, inputShape: number[]): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  return tfl.model({ inputs: input, outputs: layer.apply(input) as tfl.SymbolicTensor });
}

function effectiveSigma(sn: SpectralNormalization): number {
  const { kernel, bias } = sn.foldedWeights();
  const out = kernel.shape[kernel.shape.length - 1]!;
  const sigma = largestSingularValue(kernel.dataSync() as Float32Array, kernel.size / out, out);
  tf.dispose([kernel, bias]);
  return sigma;
}

describe('SpectralNormalization', () => {
  it('Dense with singular values (3, 1, 0.5): power iteration finds 3, the effective kernel has sigma 1', () => {
    const sn = spectralNormalization(tfl.layers.dense({ units: 3 }), { seed: 1 });
    const m = oneLayerModel(sn, [4]);
    // W = [[3,0,0],[0,1,0],[0,0,0.5],[0,0,0]]: singular values 3, 1, 0.5 by hand
    const w = tf.tensor2d([3, 0, 0, 0, 1, 0, 0, 0, 0.5, 0, 0, 0], [4, 3]);
    sn.setWeights([w, tf.zeros([3]), sn.getWeights()[2]!]);
    const x = tf.randomNormal([2, 4], 0, 1, 'float32', 3);
    for (let i = 0; i < 10; i++) tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
    expect(sn.spectralNorm()).toBeCloseTo(3, 4);
    expect(effectiveSigma(sn)).toBeCloseTo(1, 4);
    // output = x W / 3
    const y = m.predict(x) as tf.Tensor;
    const want = tf.div(tf.matMul(x, w), 3);
    expect(Array.from(y.dataSync())).toEqual(Array.from(want.dataSync()).map((v) => expect.closeTo(v, 4)));
    m.dispose();
  });

  it('Conv2D: the effective [kh*kw*in, out] kernel has largest singular value ~1 after some iterations', () => {
    const sn = spectralNormalization(
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
      { seed: 2 },
    );
    const m = oneLayerModel(sn, [8, 8, 2]);
    // kernel = small noise + a rank-one part: a clear gap between the first two singular values
    const [k0, b0, u0] = sn.getWeights();
    const a = tf.randomNormal([3, 3, 2, 1], 0, 1, 'float32', 7);
    const b = tf.randomNormal([1, 1, 1, 4], 0, 1, 'float32', 8);
    sn.setWeights([tf.add(tf.mul(k0!, 5), tf.mul(a, b)), b0!, u0!]);
    const [k] = sn.getWeights();
    const rawSigma = largestSingularValue(k!.dataSync() as Float32Array, 18, 4);
    expect(rawSigma).not.toBeCloseTo(1, 1);
    const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 3);
    const before = Math.abs(effectiveSigma(sn) - 1);
    for (let i = 0; i < 30; i++) tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
    const after = Math.abs(effectiveSigma(sn) - 1);
    expect(after).toBeLessThan(1e-3);
    expect(after).toBeLessThanOrEqual(before);
    expect(sn.spectralNorm()).toBeCloseTo(rawSigma, 3);
    expect((m.predict(x) as tf.Tensor).shape).toEqual([2, 4, 4, 4]);
    m.dispose();
  });

  it('updates u only in training passes; u is a saved, non-trainable weight', () => {
    const sn = spectralNormalization(tfl.layers.dense({ units: 3 }), { seed: 4 });
    const m = oneLayerModel(sn, [5]);
    expect(sn.trainableWeights.map((w) => w.name)).toEqual([expect.stringMatching(/kernel$/), expect.stringMatching(/bias$/)]);
    expect(sn.nonTrainableWeights.map((w) => w.name)).toEqual([expect.stringMatching(/u$/)]);
    expect(m.getWeights()).toHaveLength(3);
    const u = (): number[] => Array.from(sn.getWeights()[2]!.dataSync());
    const x = tf.ones([2, 5]);
    const u0 = u();
    tf.dispose(m.predict(x) as tf.Tensor);
    tf.dispose(m.apply(x, { training: false }) as tf.Tensor);
    expect(u()).toEqual(u0);
    tf.dispose(m.apply(x, { training: true }) as tf.Tensor);
    const u1 = u();
    expect(u1).not.toEqual(u0);
    expect(Math.hypot(...u1)).toBeCloseTo(1, 5);
    m.dispose();
  });

  it('gradients reach kernel and bias only, finite; no tensors leak per training step', () => {
    const sn = spectralNormalization(tfl.layers.dense({ units: 2 }), { seed: 5 });
    const m = oneLayerModel(sn, [3]);
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    const step = (): void => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(m.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
        m.trainableWeights.map((w) => w.read() as tf.Variable),
      );
      const names = Object.keys(grads);
      expect(names).toHaveLength(2);
      for (const g of Object.values(grads)) {
        const total = tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]);
        expect(Number.isFinite(total)).toBe(true);
        expect(total).toBeGreaterThan(0);
      }
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const n = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(n);
    m.dispose();
  });

  it('refuses what it cannot normalize', () => {
    expect(() => spectralNormalization(tfl.layers.dense({ units: 2, activation: 'relu' }))).toThrow(GanforgeError);
    expect(() =>
      spectralNormalization(tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3 }) as never),
    ).toThrow(/Conv2DTranspose/);
  });
});
