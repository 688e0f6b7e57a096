import type { Rng } from '@ganforge/core';
import { z } from 'zod';
import { defaultsOf, defineTechnique } from './technique.ts';

export const LabelsConfigSchema = z
  .object({
    oneSidedSmoothing: z
      .boolean()
      .default(false)
      .describe('One-sided label smoothing: real images get target smoothTarget instead of 1; fakes stay 0'),
    smoothTarget: z
      .number()
      .gt(0.5)
      .max(1)
      .default(0.9)
      .describe('Target for real images when oneSidedSmoothing is on'),
    flipProbability: z
      .number()
      .min(0)
      .max(0.5)
      .default(0)
      .describe("Probability of flipping each of D's labels (real <-> fake) per step (0 = off)"),
  })
  .strict()
  .prefault({})
  .describe("D's targets: one-sided smoothing and random label flipping");
export type LabelsConfig = z.infer<typeof LabelsConfigSchema>;

const DEFAULTS = defaultsOf(LabelsConfigSchema);

/** D's target for real images: smoothTarget (0.9 by default) with one-sided smoothing, else 1. */
export function realTarget(opts: { oneSidedSmoothing: boolean; smoothTarget?: number }): number {
  return opts.oneSidedSmoothing ? (opts.smoothTarget ?? DEFAULTS.smoothTarget) : 1;
}

/**
 * Label flipping: each label l is replaced by 1 - l with probability p (one rng.nextFloat() per
 * label, in order, so the same rng state gives the same flips). Returns a new array.
 * 1 - 0.9 = 0.1: a flipped smoothed real label is a smoothed fake one.
 */
export function flipLabels(labels: Float32Array, p: number, rng: Pick<Rng, 'nextFloat'>): Float32Array {
  const out = new Float32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] ?? 0;
    out[i] = rng.nextFloat() < p ? 1 - l : l;
  }
  return out;
}

/** D's targets for a real and a fake batch: one value for the whole batch, or one per example once flipped. */
export interface DiscriminatorTargets {
  readonly real: number | Float32Array;
  readonly fake: number | Float32Array;
}

/**
 * The targets of this step's D update: 1 (or the smoothed target) for reals, 0 for fakes, each label
 * flipped with flipProbability (the reals' flips drawn from `rng` first, then the fakes').
 */
export function discriminatorTargets(
  config: LabelsConfig,
  batchSize: number,
  rng: Pick<Rng, 'nextFloat'>,
): DiscriminatorTargets {
  const real = realTarget(config);
  const p = config.flipProbability;
  if (p <= 0) return { real, fake: 0 };
  return {
    real: flipLabels(new Float32Array(batchSize).fill(real), p, rng),
    fake: flipLabels(new Float32Array(batchSize), p, rng),
  };
}

export const labelsTechnique = defineTechnique({ name: 'labels', schema: LabelsConfigSchema });
