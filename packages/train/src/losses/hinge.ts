import * as tf from '@tensorflow/tfjs-core';
import { discriminatorLosses, targets } from './logits.ts';
import type { GanLoss, Target } from './types.ts';

/** mean(relu(1 - y·l)) with y = 2t - 1: t = 1 -> relu(1 - l), t = 0 -> relu(1 + l). */
function hingeTerm(logits: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.sub(tf.mul(2, target), 1);
    return tf.mean(tf.relu(tf.sub(1, tf.mul(y, logits))));
  });
}

/**
 * Hinge loss (Lim & Ye 2017; SAGAN): D: relu(1 - D(x)) + relu(1 + D(G(z))), G: -D(G(z)).
 * A real target t < 1 (smoothing) scales the sign: y = 2t - 1.
 */
export const hingeLoss: GanLoss = {
  name: 'hinge',
  discriminator: (realLogits, fakeLogits, opts) => {
    const t = targets(opts);
    return discriminatorLosses(hingeTerm(realLogits, t.real), hingeTerm(fakeLogits, t.fake));
  },
  generator: (fakeLogits) => tf.tidy(() => tf.neg(tf.mean(fakeLogits)) as tf.Scalar),
};
