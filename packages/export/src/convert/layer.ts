import { GanforgeError } from '@ganforge/core';
import type { GraphBuilder, Value } from '../onnx/graph.ts';

/** What a layer converter sees of one tfjs layer: plain data, read once from the layer. */
export interface LayerInfo {
  readonly name: string;
  readonly className: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** Weights by their short name ('kernel', 'bias', 'gamma', 'moving_mean', ...). */
  readonly weights: ReadonlyMap<string, { readonly shape: readonly number[]; readonly values: Float32Array }>;
  /** tfjs output shape without the batch axis. */
  readonly outputShape: readonly number[];
}

/** Emits the ONNX nodes for one layer and returns its output value. */
export type LayerConverter = (g: GraphBuilder, x: Value, layer: LayerInfo) => Value;

/** The one error every converter throws for a layer or setting it cannot export. */
export function unsupported(layer: Pick<LayerInfo, 'name' | 'className'>, what: string): GanforgeError {
  return new GanforgeError(
    'export_unsupported',
    `cannot export layer '${layer.name}' (${layer.className}): ${what}`,
    {
      hint: 'the ONNX exporter supports Dense, Conv2D, Conv2DTranspose, BatchNormalization, ReLU, LeakyReLU, Activation (linear/relu/tanh/sigmoid/elu), Reshape, Flatten, Dropout and the ganforge discriminator layers; change the model or file an issue',
    },
  );
}

export function weight(layer: LayerInfo, key: string): { shape: readonly number[]; values: Float32Array } {
  const w = layer.weights.get(key);
  if (!w)
    throw unsupported(
      layer,
      `missing weight '${key}' (has: ${[...layer.weights.keys()].join(', ') || 'none'})`,
    );
  return w;
}

/** A config value that tfjs may hold as a number or a per-axis array, read as [h, w]. */
export function pair(layer: LayerInfo, key: string, fallback: number): [number, number] {
  const v = layer.config[key];
  if (v === undefined || v === null) return [fallback, fallback];
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'))
    return [v[0] as number, v[1] as number];
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number') return [v[0], v[0]];
  throw unsupported(layer, `${key} ${JSON.stringify(v)}`);
}

export function numberConfig(layer: LayerInfo, key: string, fallback: number): number {
  const v = layer.config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw unsupported(layer, `${key} ${JSON.stringify(v)}`);
  return v;
}
