import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SpectralNormalization } from './layers/spectralNorm.ts';

interface LayerJson {
  class_name: string;
  name?: string;
  config: Record<string, unknown> & { name?: string; layer?: { class_name: string; config: Record<string, unknown> } };
}

/**
 * A copy of `model` in which every SpectralNormalization layer is replaced by the plain Dense or
 * Conv2D it wraps, holding the folded kernel W / sigma(W, u): the same inference outputs, built
 * from standard layers (what an exporter converts for `--network d`). Other custom layers stay.
 */
export async function foldSpectralNorm(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  const topology = JSON.parse(JSON.stringify(model.toJSON(null, false))) as {
    config: { layers: LayerJson[] };
  };
  for (const layer of topology.config.layers) {
    if (layer.class_name !== SpectralNormalization.className) continue;
    const inner = layer.config.layer;
    if (inner === undefined) throw new Error(`SpectralNormalization '${layer.name}' has no wrapped layer`);
    layer.class_name = inner.class_name;
    layer.config = { ...inner.config, name: layer.config.name, trainable: layer.config['trainable'] };
  }
  const folded = await tfl.models.modelFromJSON({
    modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
  });
  for (const layer of model.layers) {
    const target = folded.getLayer(layer.name);
    if (layer instanceof SpectralNormalization) {
      const { kernel, bias } = layer.foldedWeights();
      target.setWeights(bias === undefined ? [kernel] : [kernel, bias]);
      tf.dispose([kernel, bias]);
    } else {
      target.setWeights(layer.getWeights());
    }
  }
  return folded;
}
