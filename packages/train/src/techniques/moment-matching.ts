import * as tf from '@tensorflow/tfjs-core';
// Differentiated by the loop: importing tfjs-layers registers all of tfjs-core's gradients.
import '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { defaultsOf, defineTechnique } from './technique.ts';

export const MomentMatchingConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Add the moment-matching penalty to G's loss (docs/techniques.md#moment-matching)"),
    meanWeight: z.number().min(0).default(0.1).describe('Weight of Σ|mean(fake) - mean(real)| over features'),
    varWeight: z.number().min(0).default(0.1).describe('Weight of Σ|var(fake) - var(real)| over features'),
    features: z
      .enum(['pixels', 'discriminator'])
      .default('pixels')
      .describe("Match moments of the flattened images ('pixels') or of D's penultimate features"),
  })
  .strict()
  .prefault({})
  .describe('Moment matching between the real and the generated batch (docs/techniques.md#moment-matching)');
export type MomentMatchingConfig = z.infer<typeof MomentMatchingConfigSchema>;

const DEFAULT_WEIGHTS: MomentWeights = defaultsOf(MomentMatchingConfigSchema);

export interface MomentWeights {
  readonly meanWeight: number;
  readonly varWeight: number;
}

/**
 * "Using Moments to Stabilize Generative Adversarial Network (GAN) Learning"
 * (docs/techniques.md#moment-matching): tf.nn.moments over the batch axis, population variance:
 *   meanWeight · Σ_f |mean_f(fake) - mean_f(real)| + varWeight · Σ_f |var_f(fake) - var_f(real)|.
 * Inputs [N, F] or any [N, ...] (flattened to [N, F]); the two batch sizes may differ.
 * Returns a new scalar; differentiable w.r.t. the fake features.
 */
export function momentMatchingLoss(
  realFeatures: tf.Tensor,
  fakeFeatures: tf.Tensor,
  weights: MomentWeights = DEFAULT_WEIGHTS,
): tf.Scalar {
  return tf.tidy(() => {
    const flat = (x: tf.Tensor): tf.Tensor2D => tf.reshape(x, [x.shape[0] ?? 1, -1]);
    const real = tf.moments(flat(realFeatures), 0);
    const fake = tf.moments(flat(fakeFeatures), 0);
    const meanDiff = tf.sum(tf.abs(tf.sub(fake.mean, real.mean)));
    const varDiff = tf.sum(tf.abs(tf.sub(fake.variance, real.variance)));
    return tf.add(tf.mul(weights.meanWeight, meanDiff), tf.mul(weights.varWeight, varDiff));
  });
}

export const momentMatchingTechnique = defineTechnique({
  name: 'momentMatching',
  schema: MomentMatchingConfigSchema,
});
