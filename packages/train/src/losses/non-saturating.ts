import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyDiscriminator } from './cross-entropy-d.ts';
import type { GanLoss } from './types.ts';

/**
 * Non-saturating GAN loss: G maximizes log D(G(z)), i.e. minimizes -log σ(l) = softplus(-l).
 * Its gradient -(1 - σ(l)) stays near -1 exactly when D rejects the fakes, where minimax's vanishes.
 */
export const nonSaturatingLoss: GanLoss = {
  name: 'non_saturating',
  discriminator: crossEntropyDiscriminator,
  generator: (fakeLogits) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeLogits)))),
};
