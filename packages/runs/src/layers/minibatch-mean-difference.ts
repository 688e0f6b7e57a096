import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Shape = (number | null)[];

/**
 * Minibatch mean difference (docs/techniques.md#minibatch-mean-difference): for each example,
 * x - mean(batch) appended as extra channels on the last axis. [N, ..., C] -> [N, ..., 2C]. If every
 * example in the batch looks the same the extra channels are ~0, so D can reject a collapsed batch.
 * The mean is over whatever batch the layer is called on: call D on the real and the fake batch
 * separately.
 */
export class MinibatchMeanDifference extends tfl.layers.Layer {
  static readonly className = 'MinibatchMeanDifference';

  constructor(args: NonNullable<LayerArgs> = {}) {
    super(args);
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('MinibatchMeanDifference expects one input');
      return tf.concat([x, tf.sub(x, tf.mean(x, 0, true))], -1);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const last = s[s.length - 1];
    return [...s.slice(0, -1), last == null ? null : last * 2];
  }
}
tf.serialization.registerClass(MinibatchMeanDifference);
