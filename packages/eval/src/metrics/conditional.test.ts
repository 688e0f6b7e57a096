import { describe, expect, it } from 'vitest';
import { classCounts, conditionalAccuracy, perClassFrechet, rowsOfClass } from './conditional.ts';
import { featureSet } from './features.ts';
import { frechetDistance } from './frechet.ts';

describe('conditionalAccuracy', () => {
  it('is the share of class-k samples predicted k, per class, and their mean over the classes', () => {
    expect(conditionalAccuracy([0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], 3)).toEqual({
      accuracy: 1,
      perClass: [1, 1, 1],
    });
    const r = conditionalAccuracy([0, 1, 1, 1, 0, 2], [0, 0, 1, 1, 2, 2], 3);
    expect(r.perClass).toEqual([0.5, 1, 0.5]);
    expect(r.accuracy).toBeCloseTo(2 / 3, 12);
    // every class weighs the same: 2/3 and 1 give 5/6, not the 3/4 of all samples
    const uneven = conditionalAccuracy([0, 0, 1, 1], [0, 0, 0, 1], 2);
    expect(uneven.perClass).toEqual([2 / 3, 1]);
    expect(uneven.accuracy).toBeCloseTo(5 / 6, 12);
  });

  it('labels that carry no information about the prediction score about 1/k', () => {
    const k = 10;
    const n = 10_000;
    const labels = Int32Array.from({ length: n }, (_, i) => i % k);
    // predictions independent of the label: a permutation-like pattern uncorrelated with i mod k
    const predicted = Int32Array.from({ length: n }, (_, i) => Math.floor(i / k) % k);
    const r = conditionalAccuracy(predicted, labels, k);
    expect(r.accuracy).toBeCloseTo(0.1, 10);
  });

  it('rejects a class without samples, a label out of range and mismatched lengths', () => {
    expect(() => conditionalAccuracy([0, 0], [0, 0], 2)).toThrow(/class 1 has no samples/);
    expect(() => conditionalAccuracy([0, 0], [0, 2], 2)).toThrow(
      /label 2 of sample 1 is not a class in \[0, 2\)/,
    );
    expect(() => conditionalAccuracy([0, 0, 1], [0, 1], 2)).toThrow(/2 labels for 3 samples/);
  });
});

describe('perClassFrechet', () => {
  // 3-d features: 6 points per class around a class-specific centre, rows of the classes interleaved
  const d = 3;
  const offsets = [
    [1, 0, 0],
    [0, 2, 0],
    [0, 0, 1],
    [-1, 1, 0],
    [0, -2, 1],
    [1, 1, -2],
  ];
  const centres = [
    [0, 0, 0],
    [10, -5, 3],
  ];
  function points(
    order: number[],
    shift: number[][] = [
      [0, 0, 0],
      [0, 0, 0],
    ],
  ) {
    const values = new Float64Array(order.length * d);
    const seen = [0, 0];
    order.forEach((c, i) => {
      const o = offsets[seen[c]!++ % offsets.length]!;
      for (let a = 0; a < d; a++) values[i * d + a] = centres[c]![a]! + shift[c]![a]! + o[a]! * (c + 1);
    });
    return { set: featureSet(values, d), labels: Int32Array.from(order) };
  }

  it('is 0 for the same points of a class, |delta|^2 for a shifted copy, whatever the row order', () => {
    const real = points([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
    const gen = points(
      [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
      [
        [0, 0, 0],
        [3, 0, 4],
      ],
    );
    const fd = perClassFrechet(gen.set, gen.labels, real.set, real.labels, 2);
    expect(fd[0]).toBeCloseTo(0, 6);
    expect(fd[1]).toBeCloseTo(25, 6);
  });

  it('equals the FD of the rows of each class taken by hand', () => {
    const real = points([0, 1, 0, 1, 0, 1, 0, 1, 0]);
    const gen = points([1, 0, 1, 0, 1, 0, 1]);
    const fd = perClassFrechet(gen.set, gen.labels, real.set, real.labels, 2);
    for (const k of [0, 1]) {
      expect(fd[k]).toBeCloseTo(
        frechetDistance(rowsOfClass(gen.set, gen.labels, k), rowsOfClass(real.set, real.labels, k)),
        10,
      );
    }
    expect(classCounts(real.labels, 2)).toEqual([5, 4]);
    expect(rowsOfClass(real.set, real.labels, 1).n).toBe(4);
  });

  it('needs 2 samples of every class on each side and features of one size', () => {
    const real = points([0, 1, 0, 1]);
    const gen = points([0, 0, 1]);
    expect(() => perClassFrechet(gen.set, gen.labels, real.set, real.labels, 2)).toThrow(
      /class 1 has 1 generated and 2 real samples/,
    );
    expect(() =>
      perClassFrechet(featureSet(new Float64Array(8), 2), [0, 0, 1, 1], real.set, real.labels, 2),
    ).toThrow(/2-d and 3-d features/);
  });
});
