import { describe, expect, it } from 'vitest';
import { createRng } from '@ganforge/core';
import { matmul, sqrtSymmetricPsd, symmetricEigen } from './symmetric-eigen.ts';

/** A random symmetric PSD matrix B B^T (d x d). */
function randomPsd(d: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: d * d }, () => rng.nextNormal());
  const bt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) bt[j * d + i] = b[i * d + j] as number;
  return matmul(b, bt, d);
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('symmetricEigen (Jacobi)', () => {
  it('finds the eigenvalues 1 and 3 of [[2,1],[1,2]] with unit eigenvectors along (1,-1) and (1,1)', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    const order = [...values.keys()].sort((a, b) => (values[a] as number) - (values[b] as number));
    expect(values[order[0] as number]).toBeCloseTo(1, 12);
    expect(values[order[1] as number]).toBeCloseTo(3, 12);
    const v1 = [
      vectors[0 * 2 + (order[0] as number)] as number,
      vectors[1 * 2 + (order[0] as number)] as number,
    ];
    expect(Math.abs(v1[0] as number)).toBeCloseTo(Math.SQRT1_2, 12);
    expect((v1[0] as number) + (v1[1] as number)).toBeCloseTo(0, 12);
  });

  it('reconstructs a random 12x12 symmetric matrix as V diag(values) V^T with V orthogonal', () => {
    const d = 12;
    const a = randomPsd(d, 7);
    const { values, vectors } = symmetricEigen(a, d);
    const vd = new Float64Array(d * d);
    const vt = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        vd[i * d + j] = (vectors[i * d + j] as number) * (values[j] as number);
        vt[j * d + i] = vectors[i * d + j] as number;
      }
    }
    expect(maxAbs(matmul(vd, vt, d), a)).toBeLessThan(1e-10);
    const identity = Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
    expect(maxAbs(matmul(vt, vectors, d), identity)).toBeLessThan(1e-12);
  });

  it('rejects a value count that is not d x d', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/3 values for a 2x2 matrix/);
  });
});

describe('sqrtSymmetricPsd', () => {
  it('returns R with R R = A for a random PSD matrix, and clamps round-off negative eigenvalues', () => {
    const d = 10;
    const a = randomPsd(d, 3);
    const r = sqrtSymmetricPsd(a, d);
    expect(maxAbs(matmul(r, r, d), a)).toBeLessThan(1e-9);
    // Rank-1 matrix u u^T: eigenvalues 0 (up to round-off) and |u|^2; its root is u u^T / |u|.
    const u = [1, 2, 3];
    const rank1 = u.flatMap((x) => u.map((y) => x * y));
    const root = sqrtSymmetricPsd(rank1, 3);
    expect(root.every(Number.isFinite)).toBe(true);
    expect(
      maxAbs(
        root,
        rank1.map((v) => v / Math.sqrt(14)),
      ),
    ).toBeLessThan(1e-7);
  });
});
