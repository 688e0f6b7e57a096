import * as tf from '@tensorflow/tfjs-core';
import { crossEntropyDiscriminator } from './cross-entropy-d.ts';
import type { GanLoss } from './types.ts';

/**
 * The original minimax game (Goodfellow et al. 2014). G minimizes log(1 - D(G(z))) = -softplus(l).
 * Its gradient -σ(l) vanishes when D confidently rejects the fakes (D(G(z)) -> 0).
 */
export const minimaxLoss: GanLoss = {
  name: 'minimax',
  discriminator: crossEntropyDiscriminator,
  generator: (fakeLogits) => tf.tidy(() => tf.mean(tf.neg(tf.softplus(fakeLogits)))),
};
