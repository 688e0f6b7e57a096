import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { createRng, restoreRng, uniformInt } from './prng.ts';

function take<T>(k: number, f: () => T): T[] {
  return Array.from({ length: k }, f);
}

describe('createRng', () => {
  it('gives pinned reference values for seeds 0 and 42', () => {
    const r0 = createRng(0);
    expect(take(4, () => r0.nextUint32())).toEqual([591558436, 2737234123, 107644106, 1338548054]);
    const r42 = createRng(42);
    expect(take(4, () => r42.nextUint32())).toEqual([2476999517, 2284424721, 914527439, 3398404915]);

    const f0 = createRng(0);
    expect(take(3, () => f0.nextFloat())).toEqual([
      0.13773293141275644, 0.6373119826894253, 0.02506284648552537,
    ]);
    const f42 = createRng(42);
    expect(take(3, () => f42.nextFloat())).toEqual([
      0.5767213918734342, 0.5318840781692415, 0.212930012261495,
    ]);

    const g0 = createRng(0);
    expect(take(3, () => g0.nextNormal())).toEqual([
      -0.9445839879731234, 1.082080797974126, -1.7954105997310095,
    ]);
    const g42 = createRng(42);
    expect(take(3, () => g42.nextNormal())).toEqual([
      2.4742250514884785, -0.6294690465231285, -0.67850977815758,
    ]);
  });

  it('nextFloat is nextUint32 / 2^32', () => {
    const a = createRng(7);
    const b = createRng(7);
    for (let i = 0; i < 100; i++) expect(a.nextFloat()).toBe(b.nextUint32() / 2 ** 32);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = take(
      1000,
      (
        (r) => () =>
          r.nextUint32()
      )(createRng(123)),
    );
    const b = take(
      1000,
      (
        (r) => () =>
          r.nextUint32()
      )(createRng(123)),
    );
    const c = take(
      1000,
      (
        (r) => () =>
          r.nextUint32()
      )(createRng(124)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a).size).toBe(1000);
    for (const x of a) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 32).toBe(true);
  });

  it('uses the high bits of seeds above 2^32 and accepts negative seeds', () => {
    expect(createRng(2 ** 40).nextUint32()).toBe(3911730167);
    expect(createRng(2 ** 40).nextUint32()).not.toBe(createRng(0).nextUint32());
    expect(createRng(2 ** 32 + 5).nextUint32()).not.toBe(createRng(5).nextUint32());
    expect(createRng(-1).nextUint32()).toBe(1671977706);
  });

  it('rejects a seed that is not a safe integer', () => {
    for (const bad of [1.5, NaN, Infinity, 2 ** 60]) {
      expect(() => createRng(bad)).toThrow(GanforgeError);
    }
    expect(() => createRng(0.5)).toThrow(/seed must be a whole number, got 0.5/);
  });
});

describe('restoreRng', () => {
  it('continues the stream exactly where getState left it, for every draw kind', () => {
    const rng = createRng(99);
    for (let i = 0; i < 37; i++) rng.nextNormal();
    const state = rng.getState();
    expect(state.seed).toBe(99);
    expect(state.words).toHaveLength(4);
    const json = JSON.parse(JSON.stringify(state)) as typeof state;
    const copy = restoreRng(json);
    for (let i = 0; i < 200; i++) {
      expect(copy.nextUint32()).toBe(rng.nextUint32());
      expect(copy.nextNormal()).toBe(rng.nextNormal());
      expect(copy.nextFloat()).toBe(rng.nextFloat());
    }
  });

  it('getState is a snapshot, not a live view', () => {
    const rng = createRng(1);
    const state = rng.getState();
    const first = rng.nextUint32();
    expect(restoreRng(state).nextUint32()).toBe(first);
  });

  it('rejects a malformed state naming what is wrong', () => {
    expect(() => restoreRng({ seed: 0, words: [1, 2, 3] })).toThrow(/4 unsigned 32-bit words/);
    expect(() => restoreRng({ seed: 0, words: [1, 2, 3, -1] })).toThrow(GanforgeError);
    expect(() => restoreRng({ seed: 0, words: [1, 2, 3, 2 ** 32] })).toThrow(GanforgeError);
    expect(() => restoreRng({ seed: 0.5, words: [1, 2, 3, 4] })).toThrow(/seed/);
  });
});

/** Mean and variance of a sample, and how many of its values `count` holds for (`counted`). */
function moments(xs: readonly number[], count: (x: number) => boolean) {
  let sum = 0;
  let sq = 0;
  let counted = 0;
  for (const x of xs) {
    sum += x;
    sq += x * x;
    if (count(x)) counted++;
  }
  const mean = sum / xs.length;
  return { mean, variance: sq / xs.length - mean * mean, counted };
}

describe('nextNormal', () => {
  it('has mean ~0 and variance ~1 over 100k draws, with normal tails', () => {
    const rng = createRng(2024);
    const n = 100_000;
    const z = Array.from({ length: n }, () => rng.nextNormal());
    const draws = moments(z, (x) => Math.abs(x) > 2);
    // Standard errors: mean 1/sqrt(n) = 0.0032, variance sqrt(2/n) = 0.0045; allow ~4 of them.
    expect(Math.abs(draws.mean)).toBeLessThan(0.013);
    expect(Math.abs(draws.variance - 1)).toBeLessThan(0.018);
    // P(|z| > 2) = 0.0455
    expect(Math.abs(draws.counted / n - 0.0455)).toBeLessThan(0.003);
  });

  it('equals the polar method computed with Math.log/Math.sqrt to within an ulp or two', () => {
    const a = createRng(5);
    const b = createRng(5);
    for (let i = 0; i < 2000; i++) {
      let ref: number;
      for (;;) {
        const u = 2 * b.nextFloat() - 1;
        const v = 2 * b.nextFloat() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          ref = u * Math.sqrt((-2 * Math.log(s)) / s);
          break;
        }
      }
      const z = a.nextNormal();
      expect(Math.abs(z - ref)).toBeLessThanOrEqual(4e-16 * Math.max(1, Math.abs(ref)));
    }
  });
});

describe('nextFloat', () => {
  it('is uniform on [0, 1): mean ~1/2, variance ~1/12', () => {
    const rng = createRng(3);
    const x = Array.from({ length: 100_000 }, () => rng.nextFloat());
    const draws = moments(x, (v) => !(v >= 0 && v < 1));
    expect(draws.counted).toBe(0);
    expect(Math.abs(draws.mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(draws.variance - 1 / 12)).toBeLessThan(0.002);
  });
});

describe('uniformInt', () => {
  it('covers [0, bound) evenly', () => {
    const rng = createRng(11);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[uniformInt(rng, 6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it('rejects a bound outside [1, 2^32]', () => {
    const rng = createRng(0);
    expect(() => uniformInt(rng, 0)).toThrow(GanforgeError);
    expect(() => uniformInt(rng, 2.5)).toThrow(GanforgeError);
    expect(uniformInt(rng, 1)).toBe(0);
  });
});
