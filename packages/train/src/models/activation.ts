import * as tfl from '@tensorflow/tfjs-layers';
import type { MlpActivation } from './config.ts';

/** Negative slope of leaky_relu wherever the config does not give one (the DCGAN value). */
export const LEAKY_ALPHA = 0.2;

/** A standard tfjs activation layer (exportable: ReLU, LeakyReLU with explicit alpha, Activation). */
export function activationLayer(
  activation: MlpActivation,
  name: string,
  leakyAlpha: number = LEAKY_ALPHA,
): tfl.layers.Layer {
  switch (activation) {
    case 'relu':
      return tfl.layers.reLU({ name });
    case 'leaky_relu':
      return tfl.layers.leakyReLU({ alpha: leakyAlpha, name });
    case 'tanh':
    case 'sigmoid':
      return tfl.layers.activation({ activation, name });
  }
}
