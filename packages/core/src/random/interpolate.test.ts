import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { interpolateLatents, lerp, slerp } from './interpolate.ts';
import { sampleLatents } from './latent.ts';

const norm = (v: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
};

describe('lerp', () => {
  it('hits both ends and the midpoint', () => {
    const a = [1, -2, 4];
    const b = [3, 2, 0];
    expect(Array.from(lerp(a, b, 0))).toEqual(a);
    expect(Array.from(lerp(a, b, 1))).toEqual(b);
    expect(Array.from(lerp(a, b, 0.5))).toEqual([2, 0, 2]);
  });
});

describe('slerp', () => {
  const z = sampleLatents({ seed: 1, n: 2, latentDim: 100, distribution: 'normal' });
  const a = z.subarray(0, 100);
  const b = z.subarray(100, 200);

  it('returns a at t = 0 and b at t = 1', () => {
    const s0 = slerp(a, b, 0);
    const s1 = slerp(a, b, 1);
    for (let i = 0; i < 100; i++) {
      expect(s0[i]).toBeCloseTo(a[i]!, 6);
      expect(s1[i]).toBeCloseTo(b[i]!, 6);
    }
  });

  it('follows the great circle between unit vectors: 90 degrees apart, t = 1/2 is at 45 degrees', () => {
    const m = slerp([1, 0], [0, 1], 0.5);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 7);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 7);
    const third = slerp([1, 0], [0, 1], 1 / 3);
    expect(third[0]).toBeCloseTo(Math.cos(Math.PI / 6), 7);
    expect(third[1]).toBeCloseTo(Math.sin(Math.PI / 6), 7);
  });

  it('keeps the norm of typical Gaussian latents where lerp shrinks it', () => {
    const mid = slerp(a, b, 0.5);
    const lin = lerp(a, b, 0.5);
    const ends = (norm(a) + norm(b)) / 2;
    expect(Math.abs(norm(mid) - ends) / ends).toBeLessThan(0.05);
    expect(norm(lin)).toBeLessThan(0.85 * ends); // ~1/sqrt(2) for near-orthogonal vectors
  });

  it('falls back to lerp for zero or parallel vectors', () => {
    expect(Array.from(slerp([0, 0], [1, 1], 0.25))).toEqual(Array.from(lerp([0, 0], [1, 1], 0.25)));
    expect(Array.from(slerp([1, 2], [2, 4], 0.5))).toEqual([1.5, 3]);
  });

  it('rejects vectors of different sizes and a non-finite t', () => {
    expect(() => slerp([1, 2], [1, 2, 3], 0.5)).toThrow(/length 2 and 3/);
    expect(() => lerp([1], [2], NaN)).toThrow(GanforgeError);
  });
});

describe('interpolateLatents', () => {
  const a = [1, 0, 0];
  const b = [0, 1, 0];

  it('returns steps rows from a to b, evenly spaced in t', () => {
    const lin = interpolateLatents(a, b, 5, 'linear');
    expect(lin).toHaveLength(15);
    expect(Array.from(lin.subarray(0, 3))).toEqual(a);
    expect(Array.from(lin.subarray(12, 15))).toEqual(b);
    expect(Array.from(lin.subarray(3, 6))).toEqual([0.75, 0.25, 0]);
    const sph = interpolateLatents(a, b, 3, 'spherical');
    expect(sph[3]).toBeCloseTo(Math.SQRT1_2, 7);
    expect(sph[4]).toBeCloseTo(Math.SQRT1_2, 7);
    expect(interpolateLatents(a, b, 3)).toEqual(sph); // spherical is the default
  });

  it('is deterministic to the bit', () => {
    const z = sampleLatents({ seed: 3, n: 2, latentDim: 64, distribution: 'normal' });
    const p = interpolateLatents(z.subarray(0, 64), z.subarray(64), 8, 'spherical');
    const q = interpolateLatents(z.subarray(0, 64), z.subarray(64), 8, 'spherical');
    expect(Buffer.from(p.buffer).equals(Buffer.from(q.buffer))).toBe(true);
  });

  it('steps = 1 gives a; bad steps or mode are rejected', () => {
    expect(Array.from(interpolateLatents(a, b, 1, 'linear'))).toEqual(a);
    expect(() => interpolateLatents(a, b, 0, 'linear')).toThrow(/steps must be/);
    expect(() => interpolateLatents(a, b, 2, 'cubic' as 'linear')).toThrow(/'cubic'/);
  });
});
