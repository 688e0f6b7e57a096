import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { sampleLatents, sampleLatentsFrom } from './latent.ts';
import { createRng } from './prng.ts';

describe('sampleLatents', () => {
  it('gives pinned reference vectors for seeds 0 and 42 (float32, row-major)', () => {
    const u0 = sampleLatents({ seed: 0, n: 2, latentDim: 3, distribution: 'uniform' });
    expect(Array.from(u0)).toEqual([
      -0.7245341539382935, 0.27462396025657654, -0.9498742818832397, -0.37669000029563904,
      0.16406194865703583, 0.27771350741386414,
    ]);
    const n0 = sampleLatents({ seed: 0, n: 2, latentDim: 3, distribution: 'normal' });
    expect(Array.from(n0)).toEqual([
      -0.9445840120315552, 1.0820808410644531, -1.7954106330871582, 0.6197896599769592, -1.8139185905456543,
      -0.7984411716461182,
    ]);
    const u42 = sampleLatents({ seed: 42, n: 2, latentDim: 3, distribution: 'uniform' });
    expect(Array.from(u42)).toEqual([
      0.15344278514385223, 0.06376815587282181, -0.5741399526596069, 0.5825055837631226, -0.5316056609153748,
      0.5712721347808838,
    ]);
    const n42 = sampleLatents({ seed: 42, n: 2, latentDim: 3, distribution: 'normal' });
    expect(Array.from(n42)).toEqual([
      2.4742250442504883, -0.6294690370559692, -0.6785097718238831, 0.6237484216690063, -0.9816558957099915,
      0.7098913788795471,
    ]);
  });

  it('is the float32 rounding of the rng draws, in order', () => {
    const z = sampleLatents({ seed: 9, n: 4, latentDim: 5, distribution: 'uniform' });
    const rng = createRng(9);
    expect(z).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(z[i]).toBe(Math.fround(2 * rng.nextFloat() - 1));
    const g = sampleLatents({ seed: 9, n: 4, latentDim: 5, distribution: 'normal' });
    const rng2 = createRng(9);
    for (let i = 0; i < 20; i++) expect(g[i]).toBe(Math.fround(rng2.nextNormal()));
  });

  it('the same seed gives the same bytes; a prefix of a bigger batch is the smaller batch', () => {
    const a = sampleLatents({ seed: 5, n: 16, latentDim: 100, distribution: 'normal' });
    const b = sampleLatents({ seed: 5, n: 16, latentDim: 100, distribution: 'normal' });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    const big = sampleLatents({ seed: 5, n: 32, latentDim: 100, distribution: 'normal' });
    expect(big.subarray(0, 1600)).toEqual(a);
    const other = sampleLatents({ seed: 6, n: 16, latentDim: 100, distribution: 'normal' });
    expect(other).not.toEqual(a);
  });

  it('uniform latents lie in [-1, 1) with mean ~0 and variance ~1/3', () => {
    const z = sampleLatents({ seed: 1, n: 1000, latentDim: 100, distribution: 'uniform' });
    let sum = 0;
    let sq = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of z) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      sq += v * v;
    }
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(1);
    expect(min).toBeLessThan(-0.999);
    expect(max).toBeGreaterThan(0.999);
    expect(Math.abs(sum / z.length)).toBeLessThan(0.01);
    expect(Math.abs(sq / z.length - 1 / 3)).toBeLessThan(0.01);
  });

  it('normal truncation resamples every component outside [-t, t]', () => {
    const t = 0.5;
    const z = sampleLatents({ seed: 3, n: 200, latentDim: 100, distribution: 'normal', truncation: t });
    let max = 0;
    for (const v of z) max = Math.max(max, Math.abs(v));
    expect(max).toBeLessThanOrEqual(t);
    expect(max).toBeGreaterThan(0.49); // the whole interval is used, not a shrunken one
    const free = sampleLatents({ seed: 3, n: 200, latentDim: 100, distribution: 'normal' });
    expect(free.some((v) => Math.abs(v) > t)).toBe(true);
    // Truncated standard normal on [-0.5, 0.5] has variance ~0.0793.
    let sq = 0;
    for (const v of z) sq += v * v;
    expect(Math.abs(sq / z.length - 0.0793)).toBeLessThan(0.004);
  });

  it('uniform truncation scales U(-1, 1) to U(-t, t)', () => {
    const full = sampleLatents({ seed: 8, n: 10, latentDim: 10, distribution: 'uniform' });
    const half = sampleLatents({ seed: 8, n: 10, latentDim: 10, distribution: 'uniform', truncation: 0.5 });
    for (let i = 0; i < full.length; i++) expect(half[i]).toBeCloseTo(full[i]! * 0.5, 6);
    expect(sampleLatents({ seed: 8, n: 10, latentDim: 10, distribution: 'uniform', truncation: 1 })).toEqual(
      full,
    );
  });

  it('rejects bad sizes, distributions and truncations with a message naming them', () => {
    const base = { seed: 0, n: 2, latentDim: 3 } as const;
    expect(() => sampleLatents({ ...base, n: -1, distribution: 'normal' })).toThrow(/n must be/);
    expect(() => sampleLatents({ ...base, latentDim: 0, distribution: 'normal' })).toThrow(/latentDim/);
    expect(() => sampleLatents({ ...base, latentDim: 2.5, distribution: 'normal' })).toThrow(GanforgeError);
    expect(() => sampleLatents({ ...base, distribution: 'gaussian' as unknown as 'normal' })).toThrow(
      /'gaussian'/,
    );
    expect(() => sampleLatents({ ...base, distribution: 'normal', truncation: 0 })).toThrow(/> 0, got 0/);
    expect(() => sampleLatents({ ...base, distribution: 'uniform', truncation: 1.5 })).toThrow(
      /\(0, 1\], got 1.5/,
    );
    expect(sampleLatents({ ...base, n: 0, distribution: 'normal' })).toHaveLength(0);
  });
});

describe('sampleLatentsFrom', () => {
  it('draws from the given rng and advances it', () => {
    const rng = createRng(4);
    const first = sampleLatentsFrom(rng, 2, 8, 'normal');
    const second = sampleLatentsFrom(rng, 2, 8, 'normal');
    expect(first).toEqual(sampleLatents({ seed: 4, n: 2, latentDim: 8, distribution: 'normal' }));
    expect(second).not.toEqual(first);
    const all = sampleLatents({ seed: 4, n: 4, latentDim: 8, distribution: 'normal' });
    expect(all.subarray(16)).toEqual(second);
  });
});
