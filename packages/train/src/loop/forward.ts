import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '@ganforge/core';
import { leafLayers } from '../models/index.ts';

interface SeededLayer {
  seed?: number;
}

function dropoutLayers(model: tfl.LayersModel): SeededLayer[] {
  return leafLayers(model)
    .filter((layer) => layer.getClassName().includes('Dropout'))
    .map((layer) => layer as unknown as SeededLayer);
}

/**
 * One forward pass. In training mode batchnorm uses batch statistics (and updates its moving ones)
 * and dropout is active; each dropout layer gets a fresh seed from `rng`, so masks are reproducible
 * from the run's seed (tfjs would otherwise draw them from Math.random). `x` is the model's one input,
 * or its inputs in order (a class-conditional network's [z or image, class]); the model has one output.
 */
export function forward(
  model: tfl.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  training: boolean,
  rng: Rng,
): tf.Tensor {
  if (training) for (const layer of dropoutLayers(model)) layer.seed = rng.nextUint32();
  return model.apply(x, { training }) as tf.Tensor;
}

/** forward() of a model with several outputs (an auxiliary-classifier D: [logit, class logits]), in order. */
export function forwardOutputs(
  model: tfl.LayersModel,
  x: tf.Tensor | tf.Tensor[],
  training: boolean,
  rng: Rng,
): tf.Tensor[] {
  if (training) for (const layer of dropoutLayers(model)) layer.seed = rng.nextUint32();
  const out = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** The trainable variables of a model, in layer order, and the layer index each belongs to. */
export interface ModelVariables {
  readonly variables: tf.Variable[];
  /** Per variable: a stable layer key such as "01_dense" (index + class; tfjs names carry global counters). */
  readonly layerKeys: string[];
}

export function modelVariables(model: tfl.LayersModel): ModelVariables {
  const variables: tf.Variable[] = [];
  const layerKeys: string[] = [];
  model.layers.forEach((layer, i) => {
    const key = `${String(i).padStart(2, '0')}_${layer.getClassName().toLowerCase()}`;
    for (const w of layer.trainableWeights) {
      variables.push(w.read() as tf.Variable);
      layerKeys.push(key);
    }
  });
  return { variables, layerKeys };
}
