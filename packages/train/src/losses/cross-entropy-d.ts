import type * as tf from '@tensorflow/tfjs-core';
import { discriminatorLosses, sigmoidCrossEntropy, targets } from './logits.ts';
import type { DiscriminatorLosses, LossOptions } from './types.ts';

/** D's side of the original GAN game (minimax and non-saturating share it): binary cross-entropy. */
export function crossEntropyDiscriminator(
  realLogits: tf.Tensor,
  fakeLogits: tf.Tensor,
  opts?: LossOptions,
): DiscriminatorLosses {
  const t = targets(opts);
  return discriminatorLosses(
    sigmoidCrossEntropy(realLogits, t.real),
    sigmoidCrossEntropy(fakeLogits, t.fake),
  );
}
