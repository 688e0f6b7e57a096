import { floatAttr, intAttr } from '../../onnx/proto.ts';
import type { LayerConverter } from '../layer.ts';
import { unsupported, weight } from '../layer.ts';
import { applyActivation } from './activation.ts';

/**
 * Dense: y = x W + b on the last axis. Rank 2 -> one Gemm (no C input when there is no bias; needs opset >= 11);
 * higher ranks -> MatMul (+ Add), in the tfjs layout.
 */
export const convertDense: LayerConverter = (g, input, layer) => {
  const x = g.toTf(input, layer.name);
  const kernel = weight(layer, 'kernel');
  const [inUnits, units] = kernel.shape;
  if (inUnits !== x.shape[x.shape.length - 1] || units === undefined) {
    throw unsupported(layer, `kernel [${kernel.shape.join(', ')}] for input [N, ${x.shape.join(', ')}]`);
  }
  const w = g.floatInit(`${layer.name}/kernel`, kernel.shape, kernel.values);
  const bias = layer.config.useBias === false ? undefined : weight(layer, 'bias');
  const b = bias ? g.floatInit(`${layer.name}/bias`, bias.shape, bias.values) : undefined;
  let name: string;
  if (x.shape.length === 1) {
    const attrs = [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transA', 0), intAttr('transB', 0)];
    name = g.node('Gemm', b ? [x.name, w, b] : [x.name, w], layer.name, attrs);
  } else {
    name = g.node('MatMul', [x.name, w], layer.name);
    if (b) name = g.node('Add', [name, b], layer.name);
  }
  const y = { name, shape: [...x.shape.slice(0, -1), units], layout: 'tf' as const };
  return applyActivation(g, y, layer, layer.config.activation);
};
