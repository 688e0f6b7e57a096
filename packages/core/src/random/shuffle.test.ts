import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { createRng } from './prng.ts';
import { shuffledIndices } from './shuffle.ts';

describe('shuffledIndices', () => {
  it('is a permutation of 0..n-1, deterministic per seed', () => {
    const a = shuffledIndices(1000, createRng(1));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(shuffledIndices(1000, createRng(1))).toEqual(a);
    expect(shuffledIndices(1000, createRng(2))).not.toEqual(a);
    expect(Array.from(shuffledIndices(8, createRng(42)))).toEqual(
      Array.from(shuffledIndices(8, createRng(42))),
    );
  });

  it('pins the order for seed 0', () => {
    expect(Array.from(shuffledIndices(10, createRng(0)))).toEqual(PINNED_SEED0);
  });

  it('puts each item in each position about equally often (unbiased Fisher-Yates)', () => {
    const rng = createRng(7);
    const n = 4;
    const trials = 24_000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let t = 0; t < trials; t++) {
      const p = shuffledIndices(n, rng);
      for (let pos = 0; pos < n; pos++) counts[p[pos]!]![pos]!++;
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(300);
  });

  it('handles 0 and 1 items and rejects a bad count', () => {
    expect(shuffledIndices(0, createRng(0))).toHaveLength(0);
    expect(Array.from(shuffledIndices(1, createRng(0)))).toEqual([0]);
    expect(() => shuffledIndices(-1, createRng(0))).toThrow(GanforgeError);
    expect(() => shuffledIndices(1.5, createRng(0))).toThrow(/cannot shuffle 1.5 items/);
  });
});

const PINNED_SEED0 = [9, 0, 8, 5, 1, 3, 4, 2, 7, 6];
