import type * as tfl from '@tensorflow/tfjs-layers';

/** A model's layers with nested models (a layer that has `layers`) opened up, in order. */
export function leafLayers(model: tfl.layers.Layer): tfl.layers.Layer[] {
  const nested = (model as unknown as { layers?: tfl.layers.Layer[] }).layers;
  return nested === undefined ? [model] : nested.flatMap(leafLayers);
}
