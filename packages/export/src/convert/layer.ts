import { GanforgeError } from '@ganforge/core';
import type { GraphBuilder, Value } from '../onnx/graph.ts';
import type { OpForm } from '../onnx/op-forms.ts';

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

/** Emits the ONNX nodes for one merge layer (Multiply, Concatenate, ...) from its inputs, in order. */
export type MergeConverter = (g: GraphBuilder, inputs: readonly Value[], layer: LayerInfo) => Value;

interface EntryForms {
  readonly ops: readonly OpForm[];
  /**
   * It takes integer indices (the int64 class input) as its input: the Embedding. No other converter is
   * given an int64 value; the export stops naming the layer instead.
   */
  readonly indices?: boolean;
}

/**
 * A converter as registered for a tfjs layer class: the function (`convert` for a layer with one input,
 * `merge` for one with several), and every ONNX op form it may write (onnx/op-forms.ts). The opsets it can
 * export to are those in which all of them are valid; the export checks the target opset against them
 * before building anything, and checks each layer's nodes against them after (a converter writing an
 * undeclared op is a bug caught by any test that exports that layer).
 */
export type ConverterEntry =
  (EntryForms & { readonly convert: LayerConverter }) | (EntryForms & { readonly merge: MergeConverter });

/** The one error every converter throws for a layer or setting it cannot export. */
export function unsupported(layer: Pick<LayerInfo, 'name' | 'className'>, what: string): GanforgeError {
  return new GanforgeError(
    'export_unsupported',
    `cannot export layer '${layer.name}' (${layer.className}): ${what}`,
    {
      hint: 'the ONNX exporter supports Dense, Conv2D, Conv2DTranspose, BatchNormalization, ReLU, LeakyReLU, Activation (linear/relu/tanh/sigmoid/elu), Reshape, Flatten, Dropout, Embedding (of the class input), Multiply, Add, Concatenate, Dot and the ganforge discriminator layers; change the model or file an issue',
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
