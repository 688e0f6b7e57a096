import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { addInstanceNoise, InstanceNoiseConfigSchema, noiseSigma } from './instance-noise.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('instance noise', () => {
  it('is off by default', () => {
    expect(InstanceNoiseConfigSchema.parse(undefined).enabled).toBe(false);
  });

  it('linear: full sigma at step 0, falling linearly, exactly 0 at the last step of the run', () => {
    const total = 11;
    const sigmas = Array.from({ length: total }, (_, s) => noiseSigma(s, total, { initialSigma: 0.5 }));
    expect(sigmas[0]).toBe(0.5);
    expect(sigmas[5]).toBeCloseTo(0.25, 12);
    expect(sigmas[total - 1]).toBe(0);
    for (let i = 1; i < total; i++) expect(sigmas[i]!).toBeLessThan(sigmas[i - 1]!);
    expect(noiseSigma(total + 5, total, { initialSigma: 0.5 })).toBe(0);
  });

  it('annealSteps shortens the schedule: 0 from step annealSteps - 1 on', () => {
    const opts = { initialSigma: 0.2, annealSteps: 5 };
    expect(noiseSigma(0, 100, opts)).toBe(0.2);
    expect(noiseSigma(2, 100, opts)).toBeCloseTo(0.1, 12);
    expect(noiseSigma(4, 100, opts)).toBe(0);
    expect(noiseSigma(50, 100, opts)).toBe(0);
  });

  it('cosine: starts at sigma, half at the middle, exactly 0 at the end', () => {
    const opts = { initialSigma: 1, schedule: 'cosine' as const };
    expect(noiseSigma(0, 101, opts)).toBe(1);
    expect(noiseSigma(50, 101, opts)).toBeCloseTo(0.5, 12);
    expect(noiseSigma(100, 101, opts)).toBe(0);
  });

  it('addInstanceNoise adds N(0, sigma²), seeded; sigma 0 leaves the input unchanged', () => {
    const x = tf.zeros([64, 8, 8, 1]);
    const a = addInstanceNoise(x, 0.3, 7);
    const b = addInstanceNoise(x, 0.3, 7);
    const { mean, variance } = tf.moments(a);
    expect(Math.abs(mean.dataSync()[0]!)).toBeLessThan(0.02);
    expect(Math.sqrt(variance.dataSync()[0]!)).toBeCloseTo(0.3, 1);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const c = addInstanceNoise(x, 0, 7);
    expect(Array.from(c.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, a, b, c, mean, variance]);
  });
});
