import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getLoss, LOSS_NAMES, LossNameSchema, type GanLoss, type LossName } from './index.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Hand computations use probabilities p = sigmoid(l), not the softplus form the code uses.
const sigmoid = (l: number): number => 1 / (1 + Math.exp(-l));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const bce = (l: number, t: number): number =>
  -(t * Math.log(sigmoid(l)) + (1 - t) * Math.log(1 - sigmoid(l)));

const REAL = [2, 0];
const FAKE = [-1, 0];

function evalD(
  loss: GanLoss,
  real: number[],
  fake: number[],
  opts?: Parameters<GanLoss['discriminator']>[2],
) {
  const r = tf.tensor2d(real, [real.length, 1]);
  const f = tf.tensor2d(fake, [fake.length, 1]);
  const out = loss.discriminator(r, f, opts);
  const values = {
    real: out.dLossReal.dataSync()[0]!,
    fake: out.dLossFake.dataSync()[0]!,
    total: out.dLoss.dataSync()[0]!,
  };
  tf.dispose([r, f, out.dLossReal, out.dLossFake, out.dLoss]);
  return values;
}

function evalG(loss: GanLoss, fake: number[]): number {
  return tf.tidy(() => loss.generator(tf.tensor2d(fake, [fake.length, 1])).dataSync()[0]!);
}

/** dG/dlogit for a batch of one. */
function gGrad(loss: GanLoss, logit: number): number {
  return tf.tidy(
    () =>
      tf
        .grad((l: tf.Tensor) => loss.generator(l))(tf.tensor2d([logit], [1, 1]))
        .dataSync()[0]!,
  );
}

describe('losses on logits: hand-computed values', () => {
  const cases: [LossName, { real: number; fake: number; g: number }][] = [
    [
      'minimax',
      {
        real: mean(REAL.map((l) => bce(l, 1))),
        fake: mean(FAKE.map((l) => bce(l, 0))),
        g: mean(FAKE.map((l) => Math.log(1 - sigmoid(l)))),
      },
    ],
    [
      'non_saturating',
      {
        real: mean(REAL.map((l) => bce(l, 1))),
        fake: mean(FAKE.map((l) => bce(l, 0))),
        g: mean(FAKE.map((l) => -Math.log(sigmoid(l)))),
      },
    ],
    // ½(D(x)-1)²: ½·mean(1, 1) = 0.5; ½D(G(z))²: ½·mean(1, 0) = 0.25; G ½(D(G(z))-1)²: ½·mean(4, 1) = 1.25
    ['least_squares', { real: 0.5, fake: 0.25, g: 1.25 }],
    // relu(1 - D(x)): mean(0, 1) = 0.5; relu(1 + D(G(z))): mean(0, 1) = 0.5; G -D(G(z)): 0.5
    ['hinge', { real: 0.5, fake: 0.5, g: 0.5 }],
  ];
  it.each(cases)('%s', (name, want) => {
    const loss = getLoss(name);
    expect(loss.name).toBe(name);
    const d = evalD(loss, REAL, FAKE);
    expect(d.real).toBeCloseTo(want.real, 5);
    expect(d.fake).toBeCloseTo(want.fake, 5);
    expect(d.total).toBeCloseTo(want.real + want.fake, 5);
    expect(evalG(loss, FAKE)).toBeCloseTo(want.g, 5);
  });

  it('BCE values by hand: -log σ(2) = 0.126928, -log σ(0) = ln 2', () => {
    const d = evalD(getLoss('minimax'), [2], [0]);
    expect(d.real).toBeCloseTo(0.126928, 5);
    expect(d.fake).toBeCloseTo(Math.LN2, 5);
  });
});

describe('real target (one-sided smoothing) and per-example targets (flipping)', () => {
  it('cross-entropy with real target 0.9 = -(0.9 log p + 0.1 log(1-p)); fake side unchanged', () => {
    for (const name of ['minimax', 'non_saturating'] as const) {
      const d = evalD(getLoss(name), REAL, FAKE, { realTarget: 0.9 });
      expect(d.real).toBeCloseTo(mean(REAL.map((l) => bce(l, 0.9))), 5);
      expect(d.fake).toBeCloseTo(mean(FAKE.map((l) => bce(l, 0))), 5);
    }
  });

  it('least squares pulls D(x) to 0.9; hinge uses y = 2t - 1', () => {
    expect(evalD(getLoss('least_squares'), REAL, FAKE, { realTarget: 0.9 }).real).toBeCloseTo(
      0.5 * mean([1.1 ** 2, 0.9 ** 2]),
      5,
    );
    // y = 0.8: relu(1 - 1.6) = 0, relu(1 - 0) = 1
    expect(evalD(getLoss('hinge'), REAL, FAKE, { realTarget: 0.9 }).real).toBeCloseTo(0.5, 5);
  });

  it('takes a target per example (labels flipped by the loop)', () => {
    const t = tf.tensor2d([1, 0], [2, 1]);
    const f = tf.tensor2d([0, 1], [2, 1]);
    const d = evalD(getLoss('non_saturating'), [2, 1], [-1, 0], { realTarget: t, fakeTarget: f });
    expect(d.real).toBeCloseTo(mean([bce(2, 1), bce(1, 0)]), 5);
    expect(d.fake).toBeCloseTo(mean([bce(-1, 0), bce(0, 1)]), 5);
    tf.dispose([t, f]);
  });
});

describe('numerical stability and the reason non-saturating exists', () => {
  it.each(LOSS_NAMES)('%s stays finite at logits ±100', (name) => {
    const loss = getLoss(name);
    const d = evalD(loss, [-100, 100], [100, -100]);
    for (const v of [d.real, d.fake, d.total, evalG(loss, [100, -100])])
      expect(Number.isFinite(v)).toBe(true);
    expect(evalD(getLoss('minimax'), [-100], [100]).real).toBeCloseTo(100, 3);
  });

  it("when D rejects the fakes (D(G(z)) ≈ 0.0025), non-saturating's G gradient is ~400x minimax's", () => {
    const logit = -6; // σ(-6) ≈ 0.00247
    const mm = gGrad(getLoss('minimax'), logit);
    const ns = gGrad(getLoss('non_saturating'), logit);
    // d/dl log(1 - σ(l)) = -σ(l); d/dl -log σ(l) = -(1 - σ(l))
    expect(mm).toBeCloseTo(-sigmoid(logit), 6);
    expect(ns).toBeCloseTo(-(1 - sigmoid(logit)), 5);
    expect(Math.abs(ns) / Math.abs(mm)).toBeGreaterThan(100);
    // both push D(G(z)) up (negative gradient on the logit means increasing it lowers the loss)
    expect(mm).toBeLessThan(0);
    expect(ns).toBeLessThan(0);
  });

  it('no tensors are left behind', () => {
    const before = tf.memory().numTensors;
    for (const name of LOSS_NAMES) {
      evalD(getLoss(name), REAL, FAKE, { realTarget: 0.9 });
      evalG(getLoss(name), FAKE);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('defaults to non_saturating and rejects unknown names', () => {
    expect(LossNameSchema.parse(undefined)).toBe('non_saturating');
    expect(() => LossNameSchema.parse('wasserstein')).toThrow();
  });
});
