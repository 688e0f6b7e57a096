import { describe, expect, it } from 'vitest';
import { createRng } from '@ganforge/core';
import { featureSet } from './features.ts';
import { densityCoverage, knnRadiiSquared, precisionRecall } from './manifold.ts';

function cloud(n: number, d: number, seed: number, offset = 0): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * d }, () => rng.nextNormal() + offset);
}

describe('k-NN manifold metrics', () => {
  it('k-NN radius is the distance to the k-th nearest other point', () => {
    // Points on a line at 0, 1, 3, 7.
    const r = knnRadiiSquared(featureSet(Float32Array.from([0, 1, 3, 7]), 1), 2);
    expect([...r]).toEqual([9, 4, 9, 36]); // 3: neighbours at 2, 3, 4 -> 3^2
    expect(() => knnRadiiSquared(featureSet(Float32Array.from([0, 1]), 1), 2)).toThrow(/k = 2/);
  });

  it('two samples of the same distribution: precision, recall, coverage near 1 and density near 1', () => {
    const real = featureSet(cloud(300, 4, 1), 4);
    const fake = featureSet(cloud(300, 4, 2), 4);
    const pr = precisionRecall(real, fake, 5);
    const dc = densityCoverage(real, fake, 5);
    expect(pr.precision).toBeGreaterThan(0.85);
    expect(pr.recall).toBeGreaterThan(0.85);
    expect(dc.coverage).toBeGreaterThan(0.85);
    expect(dc.density).toBeGreaterThan(0.7);
    expect(dc.density).toBeLessThan(1.3);
  });

  it('far-away fakes score 0 everywhere; fakes collapsed onto one real point have precision 1 but low recall', () => {
    const real = featureSet(cloud(200, 4, 3), 4);
    const far = featureSet(cloud(200, 4, 4, 50), 4);
    expect(precisionRecall(real, far, 5)).toEqual({ precision: 0, recall: 0 });
    expect(densityCoverage(real, far, 5)).toEqual({ density: 0, coverage: 0 });
    const one = real.values.slice(0, 4);
    const collapsed = featureSet(
      Float32Array.from({ length: 200 * 4 }, (_, i) => one[i % 4] as number),
      4,
    );
    const pr = precisionRecall(real, collapsed, 5);
    expect(pr.precision).toBe(1);
    expect(pr.recall).toBeLessThan(0.05);
    expect(densityCoverage(real, collapsed, 5).coverage).toBeLessThan(0.05);
  });
});
