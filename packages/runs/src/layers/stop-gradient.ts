import * as tf from '@tensorflow/tfjs-core';

/** Identity in the forward pass, zero gradient in the backward pass (tf.stop_gradient). */
export const stopGradient: (x: tf.Tensor) => tf.Tensor = tf.customGrad(
  (...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = inputs[0] as tf.Tensor;
    return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  },
);
