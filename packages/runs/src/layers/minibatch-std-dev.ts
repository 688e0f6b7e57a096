import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
type Shape = (number | null)[];

/**
 * Minibatch standard deviation (Karras et al., ProGAN): the standard deviation of every feature
 * over the batch, averaged into one number, appended as one constant extra channel (last axis).
 * [N, ..., C] -> [N, ..., C + 1]. A collapsed batch (all samples alike) gets a channel near 0,
 * which D can learn to reject. Computed over whatever batch the layer is called on.
 */
export class MinibatchStdDev extends tfl.layers.Layer {
  static readonly className = 'MinibatchStdDev';
  readonly epsilon: number;

  constructor(args: NonNullable<LayerArgs> & { epsilon?: number } = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-8;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (x === undefined) throw new Error('MinibatchStdDev expects one input');
      const { variance } = tf.moments(x, 0);
      const meanStd = tf.mean(tf.sqrt(tf.add(variance, this.epsilon)));
      const channelShape = [...x.shape.slice(0, -1), 1];
      return tf.concat([x, tf.mul(tf.ones(channelShape), meanStd)], -1);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const last = s[s.length - 1];
    return [...s.slice(0, -1), last == null ? null : last + 1];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(MinibatchStdDev);
