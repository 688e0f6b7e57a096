import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';

export const LOSS_NAMES = ['minimax', 'non_saturating', 'least_squares', 'hinge'] as const;

export const LossNameSchema = z
  .enum(LOSS_NAMES)
  .default('non_saturating')
  .describe(
    "GAN objective: 'minimax' (G minimizes log(1 - D(G(z)))), 'non_saturating' (G maximizes log D(G(z))), 'least_squares' (LSGAN), 'hinge'",
  );
export type LossName = z.infer<typeof LossNameSchema>;

/** A target per example ([N, 1] tensor, e.g. after label flipping) or one number for the batch. */
export type Target = number | tf.Tensor;

export interface LossOptions {
  /** What D should say for real images: 1, or 0.9 with one-sided label smoothing. Default 1. */
  readonly realTarget?: Target;
  /** What D should say for fake images. Default 0 (smoothing is one-sided: fake stays 0). */
  readonly fakeTarget?: Target;
}

export interface DiscriminatorLosses {
  /** D's loss on the real batch (err_R). */
  readonly dLossReal: tf.Scalar;
  /** D's loss on the fake batch (err_F). */
  readonly dLossFake: tf.Scalar;
  /** dLossReal + dLossFake: what D minimizes. */
  readonly dLoss: tf.Scalar;
}

/** A GAN objective on D's logits (no sigmoid inside D). Returned scalars belong to the caller. */
export interface GanLoss {
  readonly name: LossName;
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor, opts?: LossOptions): DiscriminatorLosses;
  generator(fakeLogits: tf.Tensor): tf.Scalar;
}
