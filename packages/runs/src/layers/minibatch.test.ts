import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { MinibatchMeanDifference } from './minibatch-mean-difference.ts';
import { MinibatchStdDev } from './minibatch-std-dev.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const close = (values: number[], digits = 5): unknown[] => values.map((v) => expect.closeTo(v, digits));

function run(layer: tfl.layers.Layer, x: tf.Tensor): { shape: number[]; values: number[] } {
  const y = layer.apply(x) as tf.Tensor;
  const out = { shape: y.shape, values: Array.from(y.dataSync()) };
  y.dispose();
  return out;
}

describe('MinibatchMeanDifference (docs/techniques.md#minibatch-mean-difference)', () => {
  it('appends x - mean(batch) as extra features: [[1,2],[3,6]] -> [[1,2,-1,-2],[3,6,1,2]]', () => {
    const got = run(new MinibatchMeanDifference(), tf.tensor2d([[1, 2], [3, 6]]));
    expect(got.shape).toEqual([2, 4]);
    expect(got.values).toEqual(close([1, 2, -1, -2, 3, 6, 1, 2]));
  });

  it('NHWC: C channels -> 2C channels, the mean taken per pixel and channel over the batch', () => {
    const x = tf.tensor4d([1, 2, 10, 20, 3, 6, 30, 60], [2, 1, 2, 2]);
    const got = run(new MinibatchMeanDifference(), x);
    expect(got.shape).toEqual([2, 1, 2, 4]);
    // pixel 0: mean (2, 4); pixel 1: mean (20, 40)
    expect(got.values).toEqual(close([1, 2, -1, -2, 10, 20, -10, -20, 3, 6, 1, 2, 30, 60, 10, 20]));
    const layer = new MinibatchMeanDifference();
    expect(layer.computeOutputShape([null, 28, 28, 3])).toEqual([null, 28, 28, 6]);
  });

  it('a collapsed batch (identical samples) gets all-zero extra channels; a diverse one does not', () => {
    const same = run(new MinibatchMeanDifference(), tf.tile(tf.tensor4d([0.5, -0.25], [1, 1, 2, 1]), [4, 1, 1, 1]));
    expect(same.values.filter((_, i) => i % 2 === 1)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const diverse = run(new MinibatchMeanDifference(), tf.randomUniform([4, 1, 2, 1], -1, 1, 'float32', 1));
    expect(diverse.values.filter((_, i) => i % 2 === 1).some((v) => Math.abs(v) > 0.01)).toBe(true);
  });
});

describe('MinibatchStdDev', () => {
  it('appends one channel holding the mean over features of the batch stddev: [[1,2],[3,6]] -> 1.5', () => {
    // per-feature population std over the batch: (1, 2); mean 1.5
    const got = run(new MinibatchStdDev(), tf.tensor2d([[1, 2], [3, 6]]));
    expect(got.shape).toEqual([2, 3]);
    expect(got.values).toEqual(close([1, 2, 1.5, 3, 6, 1.5]));
  });

  it('NHWC: C -> C + 1 channels, the same value at every pixel', () => {
    const x = tf.tensor4d([0, 0, 0, 0, 2, 4, 6, 8], [2, 2, 2, 1]);
    // per-pixel std over the batch: 1, 2, 3, 4 -> mean 2.5
    const got = run(new MinibatchStdDev(), x);
    expect(got.shape).toEqual([2, 2, 2, 2]);
    expect(got.values.filter((_, i) => i % 2 === 1)).toEqual(close(Array(8).fill(2.5)));
    expect(new MinibatchStdDev().computeOutputShape([null, 7, 7, 8])).toEqual([null, 7, 7, 9]);
  });

  it('a collapsed batch gets ~0 (sqrt(epsilon)); gradients flow through the layer', () => {
    const same = run(new MinibatchStdDev(), tf.ones([4, 3]));
    expect(same.values[3]).toBeCloseTo(1e-4, 6);
    const layer = new MinibatchStdDev();
    const g = tf.grad((x: tf.Tensor) => tf.sum(layer.apply(x) as tf.Tensor))(tf.tensor2d([[1, 2], [3, 6]]));
    // d/dx of (sum x + N * mean_f std_f): 1 + N/F * dstd_f/dx = 1 + 2/2 * (x - mean)/(N std)
    expect(Array.from(g.dataSync())).toEqual(close([1 - 0.5, 1 - 0.5, 1 + 0.5, 1 + 0.5], 3));
  });
});
