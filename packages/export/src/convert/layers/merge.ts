import type { GraphBuilder, Value } from '../../onnx/graph.ts';
import { intAttr } from '../../onnx/proto.ts';
import type { LayerInfo, MergeConverter } from '../layer.ts';
import { numberConfig, unsupported } from '../layer.ts';

function describe(inputs: readonly Value[]): string {
  return inputs.map((v) => `[N, ${v.shape.join(', ')}]`).join(' and ');
}

function atLeastTwo(inputs: readonly Value[], layer: LayerInfo): void {
  if (inputs.length < 2) throw unsupported(layer, `${inputs.length} input (a merge needs two or more)`);
}

/** The inputs in one layout: as they are when they all share one, else each in the tfjs layout. */
function aligned(g: GraphBuilder, inputs: readonly Value[], layer: LayerInfo): Value[] {
  const layout = inputs[0]?.layout;
  if (inputs.every((v) => v.layout === layout)) return [...inputs];
  return inputs.map((v) => g.toTf(v, layer.name));
}

/**
 * Add / Multiply: one binary ONNX node per extra input, left to right as tfjs sums or multiplies them. The
 * inputs must have one shape (tfjs would broadcast a size-1 axis; the ganforge models never ask it to).
 * Elementwise, so the result keeps the inputs' layout when they share one.
 */
function elementwise(op: 'Add' | 'Mul'): MergeConverter {
  return (g, inputs, layer) => {
    atLeastTwo(inputs, layer);
    const shape = inputs[0]?.shape ?? [];
    if (inputs.some((v) => v.shape.join(',') !== shape.join(','))) {
      throw unsupported(layer, `inputs ${describe(inputs)} (only inputs of one shape, no broadcasting)`);
    }
    const [first, ...rest] = aligned(g, inputs, layer);
    let name = first?.name ?? '';
    for (const v of rest) name = g.node(op, [name, v.name], layer.name);
    return { name, shape, layout: first?.layout ?? 'tf' };
  };
}

/** Add: x0 + x1 + ... (a projection discriminator's linear term plus its projection). */
export const convertAdd: MergeConverter = elementwise('Add');
/** Multiply: x0 * x1 * ... (a conditional generator's z * embedding(class)). */
export const convertMultiply: MergeConverter = elementwise('Mul');

/**
 * Concatenate on tfjs' `axis` (default -1, the last one): one Concat in the tfjs layout (an input in NCHW or
 * squeezed is brought back to it first), the axis counted with the batch axis, which cannot be the one.
 */
export const convertConcatenate: MergeConverter = (g, inputs, layer) => {
  atLeastTwo(inputs, layer);
  const rank = inputs[0]?.shape.length ?? 0;
  const axis = numberConfig(layer, 'axis', -1);
  const onnxAxis = axis < 0 ? axis + rank + 1 : axis;
  if (!Number.isInteger(axis) || onnxAxis < 1 || onnxAxis > rank) {
    throw unsupported(layer, `axis ${axis} for inputs ${describe(inputs)}`);
  }
  const at = onnxAxis - 1;
  const fits = inputs.every(
    (v) => v.shape.length === rank && v.shape.every((d, i) => i === at || d === inputs[0]?.shape[i]),
  );
  if (!fits) throw unsupported(layer, `inputs ${describe(inputs)} differ off the concatenation axis ${axis}`);
  const xs = inputs.map((v) => g.toTf(v, layer.name));
  const name = g.node(
    'Concat',
    xs.map((v) => v.name),
    layer.name,
    [intAttr('axis', onnxAxis)],
  );
  const shape = (inputs[0]?.shape ?? []).map((d, i) =>
    i === at ? inputs.reduce((s, v) => s + (v.shape[i] ?? 0), 0) : d,
  );
  return { name, shape, layout: 'tf' };
};

/** tfjs Dot's `axes` (a number or a pair) for two rank-2 inputs, each as an axis counted with the batch axis. */
function dotAxes(layer: LayerInfo): number[] {
  const axes = layer.config.axes;
  const list = typeof axes === 'number' ? [axes, axes] : Array.isArray(axes) ? axes : [];
  if (list.length !== 2 || !list.every((a) => a === 1 || a === -1)) {
    throw unsupported(
      layer,
      `axes ${JSON.stringify(axes)} (only the feature axis, 1 or -1, of [N, F] inputs)`,
    );
  }
  return list as number[];
}

/**
 * Dot of two [N, F] values over F (axes 1 or -1), [N, 1] as in tfjs: the projection term <embed(y), phi(x)> of
 * a projection discriminator. Written as Mul, then MatMul with a [F, 1] column of ones (the sum over F; no
 * ReduceSum, whose axes moved from an attribute to an input at opset 13).
 */
export const convertDot: MergeConverter = (g, inputs, layer) => {
  dotAxes(layer);
  if (layer.config.normalize === true) throw unsupported(layer, 'normalize (cosine proximity)');
  const size = inputs[0]?.shape[0];
  const vectors = inputs.length === 2 && inputs.every((v) => v.shape.length === 1 && v.shape[0] === size);
  if (!vectors || size === undefined) {
    throw unsupported(layer, `inputs ${describe(inputs)} (only two [N, F] inputs of one F)`);
  }
  const [a, b] = inputs.map((v) => g.toTf(v, layer.name).name);
  const product = g.node('Mul', [a ?? '', b ?? ''], layer.name);
  const ones = g.floatInit(`${layer.name}/ones`, [size, 1], new Float32Array(size).fill(1));
  return { name: g.node('MatMul', [product, ones], layer.name), shape: [1], layout: 'tf' };
};
