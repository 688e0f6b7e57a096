import * as tfl from '@tensorflow/tfjs-layers';

/** The layer whose activations are the evaluator's feature space (Fréchet distance, precision/recall). */
export const FEATURE_LAYER = 'features';
/** Size of the feature vector (the penultimate Dense layer, after its ReLU). */
export const FEATURE_DIM = 128;

/** Shape of the evaluator's input: one 28x28 grayscale image, NHWC in [-1, 1]. */
export const EVALUATOR_INPUT = { height: 28, width: 28, channels: 1 } as const;

/**
 * The evaluator classifier (the Inception network's role in FID/IS, at MNIST scale): strided convolutions
 * only (no pooling, so it exports to ONNX with the standard converters), then the 128-d feature layer and
 * a linear 10-way head producing logits.
 *
 *   [28,28,1] -conv 5x5/2 32 relu-> [14,14,32] -conv 3x3/2 64 relu-> [7,7,64] -conv 3x3/1 64 relu-> [7,7,64]
 *   -flatten-> 3136 -dropout-> Dense 128 relu (features) -dropout-> Dense numClasses (logits)
 */
export function buildEvaluatorNetwork(numClasses: number, dropout = 0.3): tfl.Sequential {
  const { height, width, channels } = EVALUATOR_INPUT;
  const init = {};
  return tfl.sequential({
    name: 'evaluator',
    layers: [
      tfl.layers.conv2d({
        inputShape: [height, width, channels],
        filters: 32,
        kernelSize: 5,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        name: 'conv1',
        ...init,
      }),
      tfl.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        name: 'conv2',
        ...init,
      }),
      tfl.layers.conv2d({
        filters: 64,
        kernelSize: 3,
        strides: 1,
        padding: 'same',
        activation: 'relu',
        name: 'conv3',
        ...init,
      }),
      tfl.layers.flatten({ name: 'flatten' }),
      tfl.layers.dropout({ rate: dropout, name: 'dropout1' }),
      tfl.layers.dense({ units: FEATURE_DIM, activation: 'relu', name: FEATURE_LAYER, ...init }),
      tfl.layers.dropout({ rate: dropout, name: 'dropout2' }),
      tfl.layers.dense({ units: numClasses, name: 'logits' }),
    ],
  });
}
