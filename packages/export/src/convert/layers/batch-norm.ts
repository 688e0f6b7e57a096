import { floatAttr } from '../../onnx/proto.ts';
import type { LayerConverter } from '../layer.ts';
import { numberConfig, unsupported, weight } from '../layer.ts';

/**
 * BatchNormalization in inference mode (moving statistics). tfjs' epsilon defaults to 1e-3 and ONNX's to 1e-5, so
 * the layer's own epsilon is always written, typed FLOAT. Channels must be the last axis; rank-4 values run in
 * NCHW (ONNX normalizes axis 1).
 */
export const convertBatchNormalization: LayerConverter = (g, input, layer) => {
  const rank = input.shape.length + 1;
  const axis = numberConfig(layer, 'axis', -1);
  if (axis !== -1 && axis !== rank - 1)
    throw unsupported(layer, `axis ${axis} (only the channel axis, -1, is supported)`);
  if (rank !== 2 && rank !== 4)
    throw unsupported(layer, `input of rank ${rank} (needs [N, C] or [N, H, W, C])`);
  const x = rank === 4 ? g.toNchw(input, layer.name) : g.toTf(input, layer.name);
  const channels = input.shape[input.shape.length - 1] ?? 0;
  const stat = (key: string, present: boolean, fill: number): string => {
    const w = present
      ? weight(layer, key)
      : { shape: [channels], values: new Float32Array(channels).fill(fill) };
    if (w.values.length !== channels)
      throw unsupported(layer, `${key} of length ${w.values.length} for ${channels} channels`);
    return g.floatInit(`${layer.name}/${key}`, [channels], w.values);
  };
  const inputs = [
    x.name,
    stat('gamma', layer.config.scale !== false, 1),
    stat('beta', layer.config.center !== false, 0),
    stat('moving_mean', true, 0),
    stat('moving_variance', true, 1),
  ];
  const epsilon = numberConfig(layer, 'epsilon', 1e-3);
  const name = g.node('BatchNormalization', inputs, layer.name, [floatAttr('epsilon', epsilon)]);
  return { ...x, name };
};
