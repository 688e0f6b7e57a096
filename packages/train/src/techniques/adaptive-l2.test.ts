import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { AdaptiveL2ConfigSchema, l2Penalty, nextL2 } from './adaptive-l2.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const bounds = { upper: 1.3, lower: 0.9, delta: 1e-5 };

describe('adaptive L2 on D (docs/techniques.md#adaptive-l2)', () => {
  it('rejects a lower bound above the upper one (defaults: technique-defaults.test.ts)', () => {
    expect(() => AdaptiveL2ConfigSchema.parse({ lower: 2, upper: 1 })).toThrow();
  });

  it('G loss > 1.3: coefficient goes up by delta', () => {
    expect(nextL2(0, 1.31, bounds)).toBeCloseTo(1e-5, 12);
    expect(nextL2(5e-5, 3, bounds)).toBeCloseTo(6e-5, 12);
  });

  it('G loss < 0.9: coefficient goes down by delta', () => {
    expect(nextL2(5e-5, 0.5, bounds)).toBeCloseTo(4e-5, 12);
  });

  it('G loss within [0.9, 1.3]: unchanged', () => {
    expect(nextL2(5e-5, 1.0, bounds)).toBe(5e-5);
    expect(nextL2(5e-5, 1.3, bounds)).toBe(5e-5);
    expect(nextL2(5e-5, 0.9, bounds)).toBe(5e-5);
  });

  it('never below 0, however long G stays below the range; NaN leaves it unchanged', () => {
    let c = 2e-5;
    for (let i = 0; i < 10; i++) c = nextL2(c, 0.1, bounds);
    expect(c).toBe(0);
    expect(nextL2(3e-5, Number.NaN, bounds)).toBe(3e-5);
  });

  it('follows a G-loss trace up, flat, and down', () => {
    const trace = [2, 2, 2, 1, 0.5, 0.5, 0.5, 0.5];
    const coefs: number[] = [];
    let c = 0;
    for (const g of trace) coefs.push((c = nextL2(c, g, bounds)));
    expect(coefs.map((x) => Math.round(x / 1e-5))).toEqual([1, 2, 3, 3, 2, 1, 0, 0]);
  });

  it('l2Penalty = coef/2 · Σ w², so its gradient is coef · w', () => {
    const w = tf.variable(tf.tensor1d([1, -2, 3]));
    const p = l2Penalty([w], 0.1);
    expect(p.dataSync()[0]).toBeCloseTo(0.05 * 14, 6);
    const { grads } = tf.variableGrads(() => l2Penalty([w], 0.1), [w]);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([0.1, -0.2, 0.3].map((v) => expect.closeTo(v, 6)));
    expect(l2Penalty([w], 0).dataSync()[0]).toBe(0);
    tf.dispose([w, p, ...Object.values(grads)]);
  });
});
