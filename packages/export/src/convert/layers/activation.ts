import type { GraphBuilder, Value } from '../../onnx/graph.ts';
import { OP_FORMS, type OpForm } from '../../onnx/op-forms.ts';
import { floatAttr } from '../../onnx/proto.ts';
import type { LayerConverter, LayerInfo } from '../layer.ts';
import { numberConfig, unsupported } from '../layer.ts';

/** tfjs activation names we can write as one ONNX op (elementwise, so the layout does not matter). */
const ACTIVATION_OPS: Readonly<Record<string, string | null>> = {
  linear: null,
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  elu: 'Elu',
};

/** The op forms applyActivation may write (one per non-linear entry above). */
export const ACTIVATION_FORMS: readonly OpForm[] = [
  OP_FORMS.Relu,
  OP_FORMS.Tanh,
  OP_FORMS.Sigmoid,
  OP_FORMS.Elu,
];

/** Applies a tfjs activation by name (fused into Dense/Conv layers or an Activation layer). */
export function applyActivation(g: GraphBuilder, x: Value, layer: LayerInfo, activation: unknown): Value {
  const name = activation ?? 'linear';
  if (typeof name !== 'string' || !(name in ACTIVATION_OPS)) {
    throw unsupported(layer, `activation ${JSON.stringify(name)}`);
  }
  const op = ACTIVATION_OPS[name];
  if (!op) return x;
  // tfjs elu uses alpha 1; written so the ONNX default never decides it.
  const attrs = op === 'Elu' ? [floatAttr('alpha', 1)] : [];
  return { ...x, name: g.node(op, [x.name], layer.name, attrs) };
}

export const convertActivation: LayerConverter = (g, x, layer) =>
  applyActivation(g, x, layer, layer.config.activation);

export const convertReLU: LayerConverter = (g, x, layer) => {
  const maxValue = layer.config.maxValue;
  if (maxValue !== undefined && maxValue !== null) throw unsupported(layer, `maxValue ${String(maxValue)}`);
  return { ...x, name: g.node('Relu', [x.name], layer.name) };
};

/** tfjs LeakyReLU alpha defaults to 0.3 and ONNX's to 0.01: always written, typed FLOAT. */
export const convertLeakyReLU: LayerConverter = (g, x, layer) => {
  const alpha = numberConfig(layer, 'alpha', 0.3);
  return { ...x, name: g.node('LeakyRelu', [x.name], layer.name, [floatAttr('alpha', alpha)]) };
};

/** Layers that are the identity at inference time. */
export const convertIdentity: LayerConverter = (_g, x) => x;
