import { describe, expect, it } from 'vitest';
import { classCoverage, classHistogram, classKl } from './class-histogram.ts';
import { classifierScore } from './classifier-score.ts';

describe('classifierScore', () => {
  it('is k for confident predictions spread evenly over k classes', () => {
    const k = 4;
    const p = Float32Array.from({ length: 8 * k }, (_, i) => (i % k === Math.floor(i / k) % k ? 1 : 0));
    expect(classifierScore(p, k)).toBeCloseTo(4, 10);
  });

  it('is 1 when every sample gets the same distribution (collapse, or uninformative noise)', () => {
    expect(classifierScore(Float32Array.from([0, 1, 0, 0, 1, 0, 0, 1, 0]), 3)).toBeCloseTo(1, 12);
    expect(classifierScore(Float32Array.from([0.2, 0.3, 0.5, 0.2, 0.3, 0.5]), 3)).toBeCloseTo(1, 6);
  });

  it('matches exp(mean KL) by hand for two soft rows', () => {
    // rows (0.9, 0.1) and (0.1, 0.9): p(y) = (0.5, 0.5); KL per row = 0.9 ln 1.8 + 0.1 ln 0.2.
    const kl = 0.9 * Math.log(1.8) + 0.1 * Math.log(0.2);
    expect(classifierScore(Float32Array.from([0.9, 0.1, 0.1, 0.9]), 2)).toBeCloseTo(Math.exp(kl), 6);
  });
});

describe('class histogram, coverage and KL', () => {
  it('counts predicted classes as shares and covers classes with at least 10% of a uniform share', () => {
    const h = classHistogram(Int32Array.from([0, 0, 1, 3]), 4);
    expect([...h]).toEqual([0.5, 0.25, 0, 0.25]);
    expect(classCoverage(h)).toBe(3);
    expect(classCoverage([1, 0, 0, 0])).toBe(1);
    // 1 of 1000 samples in a class of 10 is below 0.1 * 1/10: not covered.
    expect(classCoverage([0.999, 0.001, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(1);
  });

  it('KL(generated || reference) is 0 for equal histograms and log k for one class against uniform', () => {
    const uniform = new Array(10).fill(0.1);
    expect(classKl(uniform, uniform)).toBeCloseTo(0, 12);
    expect(classKl([1, 0, 0, 0, 0, 0, 0, 0, 0, 0], uniform)).toBeCloseTo(Math.log(10), 4);
    expect(Number.isFinite(classKl([0.5, 0.5], [1, 0]))).toBe(true);
    expect(() => classKl([1], [0.5, 0.5])).toThrow(/1 vs 2 classes/);
  });
});
