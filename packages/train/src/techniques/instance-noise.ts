import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { defineTechnique } from './technique.ts';

export const InstanceNoiseConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe("Add Gaussian noise to D's real and fake inputs, annealed to 0 (instance noise)"),
    initialSigma: z.number().min(0).max(2).default(0.1).describe('Noise standard deviation at step 0'),
    annealSteps: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Steps over which sigma falls to 0 (0 = the whole run)'),
    schedule: z
      .enum(['linear', 'cosine'])
      .default('linear')
      .describe('Shape of the decay from initialSigma to 0'),
  })
  .strict()
  .prefault({})
  .describe("Instance noise on D's inputs");
export type InstanceNoiseConfig = z.infer<typeof InstanceNoiseConfigSchema>;

export interface NoiseSchedule {
  readonly initialSigma: number;
  /** Length of the schedule in steps; 0 means totalSteps. */
  readonly annealSteps?: number;
  readonly schedule?: 'linear' | 'cosine';
}

/**
 * Noise sigma at a 0-based step: initialSigma at step 0, falling to exactly 0 at the schedule's
 * last step (step annealSteps - 1, or totalSteps - 1 when annealSteps is 0) and 0 afterwards.
 */
export function noiseSigma(step: number, totalSteps: number, opts: NoiseSchedule): number {
  const length = opts.annealSteps !== undefined && opts.annealSteps > 0 ? opts.annealSteps : totalSteps;
  const last = length - 1;
  if (step >= last) return 0;
  if (step <= 0) return opts.initialSigma;
  const progress = step / last;
  const remaining = opts.schedule === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return opts.initialSigma * remaining;
}

/** x + N(0, sigma²) elementwise, seeded; sigma 0 returns a clone. Returns a new tensor. */
export function addInstanceNoise(x: tf.Tensor, sigma: number, seed: number): tf.Tensor {
  if (sigma === 0) return tf.clone(x);
  return tf.tidy(() => tf.add(x, tf.randomNormal(x.shape, 0, sigma, 'float32', seed)));
}

/** The sigma D's inputs get at a 0-based step of a run of totalSteps (0 when instance noise is off). */
export function instanceNoiseSigma(config: InstanceNoiseConfig, step: number, totalSteps: number): number {
  return config.enabled ? noiseSigma(step, totalSteps, config) : 0;
}

export const instanceNoiseTechnique = defineTechnique({
  name: 'instanceNoise',
  schema: InstanceNoiseConfigSchema,
});
