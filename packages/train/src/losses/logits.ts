import * as tf from '@tensorflow/tfjs-core';
// Differentiated by the loop: importing tfjs-layers registers all of tfjs-core's gradients.
import '@tensorflow/tfjs-layers';
import type { DiscriminatorLosses, LossOptions, Target } from './types.ts';

/**
 * Binary cross-entropy of sigmoid(logits) against target t, in the stable softplus form:
 * -t log σ(l) - (1-t) log(1-σ(l)) = t softplus(-l) + (1-t) softplus(l). Mean over the batch.
 */
export function sigmoidCrossEntropy(logits: tf.Tensor, target: Target): tf.Scalar {
  return tf.tidy(() => {
    const t = typeof target === 'number' ? tf.scalar(target) : target;
    const pos = tf.mul(t, tf.softplus(tf.neg(logits)));
    const neg = tf.mul(tf.sub(1, t), tf.softplus(logits));
    return tf.mean(tf.add(pos, neg));
  });
}

/** Sums the two halves of D's loss into the returned triple (all new tensors). */
export function discriminatorLosses(dLossReal: tf.Scalar, dLossFake: tf.Scalar): DiscriminatorLosses {
  return { dLossReal, dLossFake, dLoss: tf.add(dLossReal, dLossFake) };
}

export function targets(opts: LossOptions | undefined): { real: Target; fake: Target } {
  return { real: opts?.realTarget ?? 1, fake: opts?.fakeTarget ?? 0 };
}
