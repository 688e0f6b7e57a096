import { describe, expect, it } from 'vitest';
import { createRng } from '@ganforge/core';
import { featureSet } from './features.ts';
import { frechetDistance, frechetDistanceGaussians } from './frechet.ts';
import { fitGaussian } from './gaussian.ts';

const gaussian = (mean: number[], covariance: number[]) => ({
  d: mean.length,
  mean: Float64Array.from(mean),
  covariance: Float64Array.from(covariance),
});

describe('fitGaussian', () => {
  it('computes the mean and the unbiased (n-1) covariance by hand for 3 points', () => {
    // Points (0,0), (2,0), (1,3): mean (1,1); centered (-1,-1), (1,-1), (0,2).
    const g = fitGaussian(featureSet(Float32Array.from([0, 0, 2, 0, 1, 3]), 2));
    expect([...g.mean]).toEqual([1, 1]);
    // sum of outer products: [[2, 0], [0, 6]] / (3 - 1)
    expect([...g.covariance]).toEqual([1, 0, 0, 3]);
    expect(() => fitGaussian(featureSet(Float32Array.from([1, 2]), 2))).toThrow(/at least 2/);
  });
});

describe('Fréchet distance', () => {
  it('1-D: (m1 - m2)^2 + (s1 - s2)^2', () => {
    expect(frechetDistanceGaussians(gaussian([1], [4]), gaussian([-2], [9]))).toBeCloseTo(9 + 1, 12);
    expect(frechetDistanceGaussians(gaussian([0.5], [2]), gaussian([0.5], [2]))).toBeCloseTo(0, 12);
  });

  it('diagonal covariances: sum over axes of (dm)^2 + (sqrt(v1) - sqrt(v2))^2', () => {
    const g1 = gaussian([0, 1, 2], [1, 0, 0, 0, 4, 0, 0, 0, 9]);
    const g2 = gaussian([1, 1, 0], [4, 0, 0, 0, 4, 0, 0, 0, 1]);
    expect(frechetDistanceGaussians(g1, g2)).toBeCloseTo(1 + 1 + 0 + 0 + 4 + 4, 10);
  });

  it('full, non-commuting covariances against the closed form, symmetric in its arguments', () => {
    // S1 = I, S2 = [[2,1],[1,2]] (eigenvalues 1, 3): FD = Tr(S1) + Tr(S2) - 2 (1 + sqrt 3) = 4 - 2 sqrt 3.
    expect(
      frechetDistanceGaussians(gaussian([0, 0], [1, 0, 0, 1]), gaussian([0, 0], [2, 1, 1, 2])),
    ).toBeCloseTo(4 - 2 * Math.sqrt(3), 12);
    // S1 = diag(4, 1): S1^1/2 S2 S1^1/2 = [[8,2],[2,2]], eigenvalues 5 +- sqrt 13.
    const s1 = gaussian([1, 0], [4, 0, 0, 1]);
    const s2 = gaussian([0, 0], [2, 1, 1, 2]);
    const expected = 1 + 5 + 4 - 2 * (Math.sqrt(5 + Math.sqrt(13)) + Math.sqrt(5 - Math.sqrt(13)));
    expect(frechetDistanceGaussians(s1, s2)).toBeCloseTo(expected, 12);
    expect(frechetDistanceGaussians(s2, s1)).toBeCloseTo(expected, 12);
  });

  it('is ~0 for a feature set against itself and grows with a mean shift of the samples', () => {
    const rng = createRng(1);
    const d = 16;
    const n = 400;
    const x = Float32Array.from({ length: n * d }, () => rng.nextNormal());
    const shifted = x.map((v, i) => (i % d === 0 ? v + 3 : v));
    expect(frechetDistance(featureSet(x, d), featureSet(x, d))).toBeLessThan(1e-6);
    // A shift of 3 along one axis adds 3^2 to the mean term and leaves the covariance unchanged.
    expect(frechetDistance(featureSet(x, d), featureSet(shifted, d))).toBeCloseTo(9, 4);
  });

  it('rejects Gaussians of different dimensions', () => {
    expect(() => frechetDistanceGaussians(gaussian([0], [1]), gaussian([0, 0], [1, 0, 0, 1]))).toThrow(
      /1-d and 2-d/,
    );
  });
});
