import * as tf from '@tensorflow/tfjs-core';
import { discriminatorLosses, targets } from './logits.ts';
import type { GanLoss, Target } from './types.ts';

function halfMeanSquare(logits: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(logits, target)))));
}

/**
 * Least-squares GAN (Mao et al. 2017), a-b-c = 0-1-1 on D's raw output:
 * D: ½(D(x) - 1)² + ½D(G(z))², G: ½(D(G(z)) - 1)².
 */
export const leastSquaresLoss: GanLoss = {
  name: 'least_squares',
  discriminator: (realLogits, fakeLogits, opts) => {
    const t = targets(opts);
    return discriminatorLosses(halfMeanSquare(realLogits, t.real), halfMeanSquare(fakeLogits, t.fake));
  },
  generator: (fakeLogits) => halfMeanSquare(fakeLogits, 1),
};
