import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { momentMatchingLoss } from './moment-matching.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function loss(real: tf.Tensor, fake: tf.Tensor, weights = { meanWeight: 0.1, varWeight: 0.1 }): number {
  return tf.tidy(() => momentMatchingLoss(real, fake, weights).dataSync()[0]!);
}

describe('moment matching (docs/techniques.md#moment-matching)', () => {
  it('is 0 for identical batches', () => {
    const x = tf.randomNormal([16, 10], 0, 1, 'float32', 1);
    expect(loss(x, x)).toBe(0);
    x.dispose();
  });

  it('matches a hand computation', () => {
    // real columns: (1, 3) -> mean 2, var 1; (0, 4) -> mean 2, var 4
    // fake columns: (2, 2) -> mean 2, var 0; (1, 7) -> mean 4, var 9
    const real = tf.tensor2d([
      [1, 0],
      [3, 4],
    ]);
    const fake = tf.tensor2d([
      [2, 1],
      [2, 7],
    ]);
    // 0.1 * (|2-2| + |4-2|) + 0.1 * (|0-1| + |9-4|) = 0.2 + 0.6
    expect(loss(real, fake)).toBeCloseTo(0.8, 6);
    expect(loss(real, fake, { meanWeight: 1, varWeight: 0 })).toBeCloseTo(2, 6);
    expect(loss(real, fake, { meanWeight: 0, varWeight: 2 })).toBeCloseTo(12, 6);
    tf.dispose([real, fake]);
  });

  it('grows with the mean shift and with the variance change; flattens image batches', () => {
    const real = tf.randomNormal([64, 4, 4, 1], 0, 1, 'float32', 2);
    const shifts = [0, 0.5, 1, 2].map((s) => tf.tidy(() => loss(real, tf.add(real, s))));
    for (let i = 1; i < shifts.length; i++) expect(shifts[i]!).toBeGreaterThan(shifts[i - 1]!);
    expect(shifts[3]).toBeCloseTo(0.1 * 2 * 16, 4); // shift 2 on 16 features, variance unchanged
    const scales = [1, 1.5, 2, 3].map((s) => tf.tidy(() => loss(real, tf.mul(real, s))));
    for (let i = 1; i < scales.length; i++) expect(scales[i]!).toBeGreaterThan(scales[i - 1]!);
    real.dispose();
  });

  it('pulls the fake batch toward the real moments (gradient on the fake side)', () => {
    const real = tf.tensor2d([[0], [2]]);
    const fake = tf.variable(tf.tensor2d([[3], [5.5]]));
    const { grads } = tf.variableGrads(() => momentMatchingLoss(real, fake), [fake]);
    // real: mean 1, var 1; fake: mean 4.25 (too high), var 1.5625 (too wide).
    // d/dx_i = 0.1 · 1/N + 0.1 · 2 (x_i - 4.25) / N = 0.05 + 0.1 (x_i - 4.25) -> (-0.075, 0.175):
    // descent moves the batch down and squeezes it together.
    expect(Array.from(grads[fake.name]!.dataSync())).toEqual([
      expect.closeTo(-0.075, 5),
      expect.closeTo(0.175, 5),
    ]);
    tf.dispose([real, fake, ...Object.values(grads)]);
  });
});
