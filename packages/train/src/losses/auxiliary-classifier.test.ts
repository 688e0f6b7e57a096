import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  auxiliaryDiscriminatorLoss,
  auxiliaryGeneratorLoss,
  classAccuracy,
  classCrossEntropy,
} from './auxiliary-classifier.ts';

/** ACGAN's class terms (docs/techniques.md#class-conditioning) against cross-entropies computed by hand. */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const REAL = [
  [2.0, -1.0, 0.5],
  [0.1, 0.2, 0.3],
  [-3.0, 4.0, 1.0],
  [0.0, 0.0, 0.0],
];
const FAKE = [
  [1.5, 1.5, -2.0],
  [-0.5, 3.0, 0.25],
  [0.3, -0.7, 2.2],
  [5.0, -5.0, 0.0],
];
const Y = [0, 2, 1, 1];

/** -log softmax(l)_y, averaged over the rows, in float64. */
function crossEntropyByHand(logits: number[][], labels: number[]): number {
  let sum = 0;
  logits.forEach((row, i) => {
    const max = Math.max(...row);
    const logSumExp = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    sum += logSumExp - (row[labels[i] as number] as number);
  });
  return sum / logits.length;
}

const value = (t: tf.Tensor): number => t.dataSync()[0] as number;
const labels = (): tf.Tensor2D => tf.tensor2d(Y, [Y.length, 1], 'int32');

describe('auxiliary classifier (ACGAN) terms', () => {
  test('classCrossEntropy is mean(log Σ_k e^{l_k} − l_y)', () => {
    expect(value(classCrossEntropy(tf.tensor2d(REAL), labels()))).toBeCloseTo(crossEntropyByHand(REAL, Y), 6);
    expect(value(classCrossEntropy(tf.tensor2d(FAKE), labels()))).toBeCloseTo(crossEntropyByHand(FAKE, Y), 6);
    // uniform logits: log K
    expect(value(classCrossEntropy(tf.zeros([2, 5]), tf.tensor1d([0, 4], 'int32')))).toBeCloseTo(
      Math.log(5),
      6,
    );
  });

  test("D's term is w·(CE(real) + CE(fake)); G's is w·CE(fake)", () => {
    const w = 0.7;
    const ceReal = crossEntropyByHand(REAL, Y);
    const ceFake = crossEntropyByHand(FAKE, Y);
    const d = auxiliaryDiscriminatorLoss(w, tf.tensor2d(REAL), tf.tensor2d(FAKE), labels());
    expect(value(d)).toBeCloseTo(w * ceReal + w * ceFake, 5);
    expect(value(auxiliaryGeneratorLoss(w, tf.tensor2d(FAKE), labels()))).toBeCloseTo(w * ceFake, 5);
    expect(value(auxiliaryGeneratorLoss(0, tf.tensor2d(FAKE), labels()))).toBe(0);
  });

  test('the gradient w.r.t. the logits is (softmax − onehot) / N', () => {
    const grad = tf.grad((l: tf.Tensor) => classCrossEntropy(l, labels()))(tf.tensor2d(REAL));
    const got = grad.arraySync() as number[][];
    REAL.forEach((row, i) => {
      const exps = row.map((v) => Math.exp(v));
      const total = exps.reduce((a, b) => a + b, 0);
      row.forEach((_v, k) => {
        const want = ((exps[k] as number) / total - (k === Y[i] ? 1 : 0)) / REAL.length;
        expect(got[i]?.[k]).toBeCloseTo(want, 6);
      });
    });
  });

  test('classAccuracy is the share of rows whose argmax is the label', () => {
    // argmax of REAL rows: 0, 2, 1, 0 -> labels 0, 2, 1, 1 -> 3 of 4
    expect(value(classAccuracy(tf.tensor2d(REAL), labels()))).toBe(0.75);
    // argmax of FAKE rows: 0 (a tie: the first), 1, 2, 0 -> 1 of 4
    expect(value(classAccuracy(tf.tensor2d(FAKE), labels()))).toBe(0.25);
  });
});
