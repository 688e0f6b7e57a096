/**
 * A fixed workload through every conv kernel training uses (forward, input and filter gradients,
 * transposed conv), whose results are compared across backends and thread counts.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers the gradient functions
import { pseudoRandom } from './on-backend.ts';

export function convWorkload(): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(pseudoRandom(8 * 14 * 14 * 16, 21), [8, 14, 14, 16]);
    const f = tf.tensor4d(pseudoRandom(4 * 4 * 16 * 32, 22), [4, 4, 16, 32]);
    const loss = (xi: tf.Tensor, fi: tf.Tensor): tf.Scalar => {
      const down = tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 2, 'same');
      const up = tf.conv2dTranspose(down, fi as tf.Tensor4D, [8, 14, 14, 16], 2, 'same');
      return tf.sum(tf.mul(up, xi));
    };
    const [dx, df] = tf.grads(loss)([x, f]);
    return [loss(x, f), dx!, df!].map((t) => Array.from(t.dataSync()));
  });
}
