import { describe, expect, it } from 'vitest';
import { createRng } from '@ganforge/core';
import { flipLabels, realTarget } from './labels.ts';

describe('labels: one-sided smoothing and flipping', () => {
  it('real target 0.9 with one-sided smoothing, else 1', () => {
    expect(realTarget({ oneSidedSmoothing: true })).toBe(0.9);
    expect(realTarget({ oneSidedSmoothing: false })).toBe(1);
    expect(realTarget({ oneSidedSmoothing: true, smoothTarget: 0.8 })).toBe(0.8);
  });

  it('flips each label with probability p, from a seeded rng (same seed, same flips)', () => {
    const labels = new Float32Array(10_000).fill(1);
    const a = flipLabels(labels, 0.1, createRng(3));
    const b = flipLabels(labels, 0.1, createRng(3));
    const c = flipLabels(labels, 0.1, createRng(4));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const flipped = a.filter((v) => v === 0).length;
    expect(flipped).toBeGreaterThan(900);
    expect(flipped).toBeLessThan(1100);
    expect(a.every((v) => v === 0 || v === 1)).toBe(true);
    expect(labels.every((v) => v === 1)).toBe(true); // input untouched
  });

  it('flip follows rng.nextFloat() < p, label by label; p = 0 never flips', () => {
    const draws = [0.05, 0.5, 0.09, 0.99];
    let i = 0;
    const rng = { nextFloat: () => draws[i++]! };
    expect(Array.from(flipLabels(new Float32Array([1, 1, 0, 0.9]), 0.1, rng))).toEqual(
      [0, 1, 1, 0.9].map((v) => expect.closeTo(v, 6)),
    );
    expect(Array.from(flipLabels(new Float32Array([1, 0]), 0, createRng(1)))).toEqual([1, 0]);
  });
});
