import { intAttr } from '../../onnx/proto.ts';
import type { LayerConverter } from '../layer.ts';
import { unsupported } from '../layer.ts';

/**
 * Reshape: the target shape is an int64 initializer with -1 for the batch (kept dynamic); the rest comes from the
 * layer's static output shape, so a -1 in the tfjs targetShape is resolved here. Runs in the tfjs layout.
 */
export const convertReshape: LayerConverter = (g, input, layer) => {
  if (layer.outputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw unsupported(layer, `output shape [N, ${layer.outputShape.join(', ')}] is not static`);
  }
  const x = g.toTf(input, layer.name);
  const shape = g.int64Init(`${layer.name}/shape`, [-1, ...layer.outputShape]);
  return { name: g.node('Reshape', [x.name, shape], layer.name), shape: layer.outputShape, layout: 'tf' };
};

/** Flatten: in the tfjs layout (NHWC order), so a value in NCHW is transposed back first. */
export const convertFlatten: LayerConverter = (g, input, layer) => {
  const dataFormat = layer.config.dataFormat ?? 'channelsLast';
  if (dataFormat !== 'channelsLast') throw unsupported(layer, `dataFormat '${String(dataFormat)}'`);
  const x = g.toTf(input, layer.name);
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { name: g.node('Flatten', [x.name], layer.name, [intAttr('axis', 1)]), shape: [size], layout: 'tf' };
};
