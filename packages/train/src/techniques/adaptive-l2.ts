import * as tf from '@tensorflow/tfjs-core';
// Differentiated by the loop: importing tfjs-layers registers all of tfjs-core's gradients.
import '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { defineTechnique } from './technique.ts';

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
  .prefault({})
  .describe("Adaptive L2 on D's weights driven by G's loss (docs/techniques.md#adaptive-l2)");

export type AdaptiveL2Config = z.infer<typeof AdaptiveL2ConfigSchema>;

export type AdaptiveL2Bounds = Pick<AdaptiveL2Config, 'upper' | 'lower' | 'delta'>;

/**
 * "Balancing the GAN game" (Larsen & Sønderby), panel C: if G's loss > upper, coefL2 += delta; if < lower,
 * coefL2 -= delta; never below 0 (docs/techniques.md#adaptive-l2).
 * A non-finite G loss leaves the coefficient unchanged.
 */
export function nextL2(current: number, gLoss: number, bounds: AdaptiveL2Bounds): number {
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

/** Adaptive L2's state: D's L2 coefficient, carried from step to step. */
export interface AdaptiveL2State {
  readonly l2: number;
}

/** The coefficient D's loss is penalized with this step (0 when adaptive L2 is off). */
export function l2Coefficient(config: AdaptiveL2Config, state: AdaptiveL2State): number {
  return config.enabled ? state.l2 : 0;
}

export const adaptiveL2Technique = defineTechnique({
  name: 'adaptiveL2',
  schema: AdaptiveL2ConfigSchema,
  state: {
    schema: z.object({ l2: z.number().min(0) }),
    // Its initial coefficient; 0 when off (a resume that switches it on starts from the saved 0).
    init: (config): AdaptiveL2State => ({ l2: config.enabled ? config.initial : 0 }),
    // It moves from G's adversarial loss, when G was trained this step and its loss is finite.
    update: (state, { gAdversarialLoss: gLoss }, config): AdaptiveL2State => ({
      l2:
        config.enabled && gLoss !== undefined && Number.isFinite(gLoss)
          ? nextL2(state.l2, gLoss, config)
          : state.l2,
    }),
  },
});
