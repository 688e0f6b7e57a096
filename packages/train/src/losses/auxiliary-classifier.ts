import * as tf from '@tensorflow/tfjs-core';
// Differentiated by the loop: importing tfjs-layers registers all of tfjs-core's gradients.
import '@tensorflow/tfjs-layers';

/**
 * The class terms of an auxiliary-classifier GAN (docs/techniques.md#class-conditioning): Odena, Olah &
 * Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs" (ICML 2017). D's second output is
 * one logit per class; both networks add a weighted cross-entropy of it against the class to their loss:
 *   L_D += w·(CE(c(x), y) + CE(c(G(z, y)), y)),   L_G += w·CE(c(G(z, y)), y).
 * The fake images are made for the real batch's labels (y_fake = y_real). Returned scalars belong to the caller.
 */

/** Labels as a flat [N] int32 vector (they come as G's and D's class input, [N, 1]). */
function flat(labels: tf.Tensor): tf.Tensor1D {
  return tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D;
}

/** Mean softmax cross-entropy of class logits [N, K] against labels: mean over the batch of log Σ_k e^{l_k} − l_y. */
export function classCrossEntropy(classLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = classLogits.shape[classLogits.shape.length - 1] ?? 1;
    const oneHot = tf.oneHot(flat(labels), k);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(classLogits)), 1))) as tf.Scalar;
  });
}

/** The share of the batch whose largest class logit is at its label. */
export function classAccuracy(classLogits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(classLogits, 1), flat(labels)), 'float32')));
}

/** D's class term w·(CE(real class logits, y) + CE(fake class logits, y)). */
export function auxiliaryDiscriminatorLoss(
  weight: number,
  realClassLogits: tf.Tensor,
  fakeClassLogits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() =>
    tf.mul(
      weight,
      tf.add(classCrossEntropy(realClassLogits, labels), classCrossEntropy(fakeClassLogits, labels)),
    ),
  );
}

/** G's class term w·CE(class logits of D on G(z, y), y). */
export function auxiliaryGeneratorLoss(
  weight: number,
  fakeClassLogits: tf.Tensor,
  labels: tf.Tensor,
): tf.Scalar {
  return tf.tidy(() => tf.mul(weight, classCrossEntropy(fakeClassLogits, labels)));
}
