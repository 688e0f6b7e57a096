import * as tf from '@tensorflow/tfjs-core';
// Differentiated by the loop: importing tfjs-layers registers all of tfjs-core's gradients.
import '@tensorflow/tfjs-layers';
import { z } from 'zod';

export const AdaptiveL2ConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Adapt D's L2 coefficient to the G loss after every step (docs/techniques.md#adaptive-l2)"),
    initial: z.number().min(0).default(0).describe("D's L2 coefficient at step 0"),
    upper: z
      .number()
      .default(1.3)
      .describe('G loss above this: the coefficient grows by delta (regularize D more)'),
    lower: z.number().default(0.9).describe('G loss below this: the coefficient shrinks by delta'),
    delta: z.number().gt(0).default(1e-5).describe('Step of the coefficient per update'),
  })
  .strict()
  .refine((c) => c.lower <= c.upper, { message: 'lower must be <= upper', path: ['lower'] })
  .default({ enabled: false, initial: 0, upper: 1.3, lower: 0.9, delta: 1e-5 })
  .describe("Adaptive L2 on D's weights driven by G's loss (docs/techniques.md#adaptive-l2)");
export type AdaptiveL2Config = z.infer<typeof AdaptiveL2ConfigSchema>;

export interface AdaptiveL2Bounds {
  readonly upper: number;
  readonly lower: number;
  readonly delta: number;
}

const DEFAULT_BOUNDS: AdaptiveL2Bounds = { upper: 1.3, lower: 0.9, delta: 1e-5 };

/**
 * "Balancing the GAN game" (Larsen & Sønderby), panel C: if G's loss > upper, coefL2 += delta; if < lower,
 * coefL2 -= delta; never below 0 (docs/techniques.md#adaptive-l2).
 * A non-finite G loss leaves the coefficient unchanged.
 */
export function nextL2(current: number, gLoss: number, bounds: AdaptiveL2Bounds = DEFAULT_BOUNDS): number {
  let next = current;
  if (gLoss > bounds.upper) next += bounds.delta;
  if (gLoss < bounds.lower) next -= bounds.delta;
  return Math.max(0, next);
}

/**
 * The L2 penalty coef/2 · Σ‖w‖² over the given weights: its gradient coef · w is what Torch's
 * optim coefL2 (docs/techniques.md#adaptive-l2) adds to each weight's gradient. Returns a new scalar.
 */
export function l2Penalty(weights: readonly tf.Tensor[], coef: number): tf.Scalar {
  return tf.tidy(() => {
    if (weights.length === 0 || coef === 0) return tf.scalar(0);
    const sums = weights.map((w) => tf.sum(tf.square(w)));
    return tf.mul(coef / 2, tf.addN(sums));
  });
}
