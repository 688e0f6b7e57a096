import { intAttr } from '../../onnx/proto.ts';
import type { LayerConverter } from '../layer.ts';
import { unsupported } from '../layer.ts';

/**
 * Reshape: the target shape is an int64 initializer with -1 for the batch (kept dynamic); the rest comes from the
 * layer's static output shape, so a -1 in the tfjs targetShape is resolved here. Runs in the tfjs layout, or on a
 * squeezed value as it is (its values are in the tfjs order already).
 */
export const convertReshape: LayerConverter = (g, input, layer) => {
  if (layer.outputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw unsupported(layer, `output shape [N, ${layer.outputShape.join(', ')}] is not static`);
  }
  const x = input.layout === 'squeezed' ? input : g.toTf(input, layer.name);
  const shape = g.int64Init(`${layer.name}/shape`, [-1, ...layer.outputShape]);
  return { name: g.node('Reshape', [x.name, shape], layer.name), shape: layer.outputShape, layout: 'tf' };
};

/**
 * Flatten: in the tfjs layout (NHWC order), so a value in NCHW is transposed back first. A squeezed value
 * (tfjs [N, 1, ...], ONNX [N, ...]) holds its values in the same order already: [N, 1, d] (an embedded class)
 * is flat as it is, and needs no node; a larger one is flattened where it is.
 */
export const convertFlatten: LayerConverter = (g, input, layer) => {
  const dataFormat = layer.config.dataFormat ?? 'channelsLast';
  if (dataFormat !== 'channelsLast') throw unsupported(layer, `dataFormat '${String(dataFormat)}'`);
  const size = input.shape.reduce((a, b) => a * b, 1);
  if (input.layout === 'squeezed' && input.shape.length === 2)
    return { ...input, shape: [size], layout: 'tf' };
  const x = input.layout === 'squeezed' ? input : g.toTf(input, layer.name);
  return { name: g.node('Flatten', [x.name], layer.name, [intAttr('axis', 1)]), shape: [size], layout: 'tf' };
};
