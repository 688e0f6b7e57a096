import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { LayerInfo } from './layer.ts';
import { unsupported } from './layer.ts';

/** The shape without its batch axis; every other dimension must be a known integer. */
export function staticShape(shape: readonly (number | null)[], where: string): number[] {
  const rest = shape.slice(1);
  if (rest.some((d) => d === null || !Number.isInteger(d))) {
    throw new GanforgeError('export_unsupported', `${where} has a non-static shape [${shape.join(', ')}]`, {
      hint: 'only the batch dimension may be dynamic',
    });
  }
  return rest as number[];
}

/** tfjs leaves a Reshape's -1 unresolved (null) in its output shape; it is the input size over the known dims. */
function resolveReshape(
  className: string,
  shape: (number | null)[],
  inputShape: readonly number[],
): (number | null)[] {
  const rest = shape.slice(1);
  const unknown = rest.filter((d) => d === null).length;
  if (className !== 'Reshape' || unknown !== 1) return shape;
  const known = rest.reduce<number>((a, d) => a * (d ?? 1), 1);
  const size = inputShape.reduce((a, d) => a * d, 1);
  return [shape[0] ?? null, ...rest.map((d) => d ?? size / known)];
}

/** What a converter sees of one tfjs layer, read once: config, weights (float32 copies), output shape. */
export function readLayer(layer: tfl.layers.Layer, inputShape: readonly number[]): LayerInfo {
  const className = layer.getClassName();
  const tensors = layer.getWeights();
  const weights = new Map<string, { shape: readonly number[]; values: Float32Array }>();
  layer.weights.forEach((w, i) => {
    const key = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
    const t = tensors[i];
    if (t)
      weights.set(key, {
        shape: [...w.shape] as number[],
        values: Float32Array.from(t.dataSync() as Float32Array),
      });
  });
  const out = layer.outputShape;
  if (!Array.isArray(out) || Array.isArray(out[0])) {
    throw unsupported({ name: layer.name, className }, 'more than one output');
  }
  const outputShape = staticShape(
    resolveReshape(className, out as (number | null)[], inputShape),
    `layer '${layer.name}' (${className}) output`,
  );
  return {
    name: layer.name,
    className,
    config: layer.getConfig() as Record<string, unknown>,
    weights,
    outputShape,
  };
}
