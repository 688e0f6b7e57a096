import type { Rng } from '@ganforge/core';
import { z } from 'zod';

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
  .default({ oneSidedSmoothing: false, smoothTarget: 0.9, flipProbability: 0 })
  .describe("D's targets: one-sided smoothing and random label flipping");
export type LabelsConfig = z.infer<typeof LabelsConfigSchema>;

/** D's target for real images: 0.9 (or smoothTarget) with one-sided smoothing, else 1. */
export function realTarget(opts: { oneSidedSmoothing: boolean; smoothTarget?: number }): number {
  return opts.oneSidedSmoothing ? (opts.smoothTarget ?? 0.9) : 1;
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
