import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { GraphBuilder } from '../onnx/graph.ts';
import type { Value } from '../onnx/graph.ts';
import { floatValueInfo } from '../onnx/proto.ts';
import type { IModelProto } from '../onnx/proto.ts';
import type { LayerConverter, LayerInfo } from './layer.ts';
import { unsupported } from './layer.ts';
import { standardConverters } from './registry.ts';
import { discriminatorConverters } from './layers/discriminator.ts';

/**
 * Opset 13 by default: every op we emit (Gemm without C, Conv, ConvTranspose, BatchNormalization, Reshape with an
 * int64 shape input, Transpose, Flatten, ReduceMean with an `axes` attribute, ...) has its current form at 13, and it
 * is the oldest opset that onnxruntime-web/-node and most other runtimes all accept. 17 is allowed for runtimes that
 * ask for a newer one; we stop there because opset 18 turns ReduceMean's `axes` into an input.
 * IR version 8 is what onnx-proto 8.0.1 (ONNX 1.10) describes.
 */
export type Opset = 13 | 17;
export const SUPPORTED_OPSETS: readonly Opset[] = [13, 17];
export const IR_VERSION = 8;
/** The dynamic batch dimension's name in the graph's input and output. */
export const BATCH_DIM = 'N';

export interface ConvertOptions {
  readonly opset?: Opset;
  /** Graph input name: 'latent' for a generator, 'image' for a discriminator. */
  readonly inputName?: string;
  /** Graph output name: 'image' for a generator, 'logit' for a discriminator. */
  readonly outputName?: string;
  readonly graphName?: string;
  readonly producerVersion?: string;
}

export interface ConvertedModel {
  readonly model: IModelProto;
  /** Shapes without the batch axis, in the tfjs layout (NHWC for images). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Class names of the layers converted, in order. */
  readonly layers: readonly string[];
}

const CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  ...standardConverters,
  ...discriminatorConverters,
};
const NESTED = new Set(['Sequential', 'Model', 'Functional', 'LayersModel']);

function staticShape(shape: readonly (number | null)[], where: string): number[] {
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

function readLayer(layer: tfl.layers.Layer, inputShape: readonly number[]): LayerInfo {
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

/** The model's layers as one chain from its input to its output; anything else cannot be exported. */
function chain(model: tfl.LayersModel): tfl.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}' has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only one of each can be exported`,
    );
  }
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  let previous: tfl.layers.Layer | undefined;
  for (const layer of layers) {
    const className = layer.getClassName();
    if (NESTED.has(className))
      throw unsupported({ name: layer.name, className }, 'a nested model (flatten it into one model)');
    // inboundNodes is not in tfjs' public typings; it is how Keras/tfjs record a layer's inputs.
    const nodes = (layer as unknown as { inboundNodes: { inboundLayers: tfl.layers.Layer[] }[] })
      .inboundNodes;
    const inbound = nodes[0]?.inboundLayers ?? [];
    const fromInput =
      previous === undefined && inbound.length === 1 && inbound[0]?.getClassName() === 'InputLayer';
    if (nodes.length !== 1 || inbound.length !== 1 || (!fromInput && inbound[0] !== previous)) {
      throw unsupported(
        { name: layer.name, className },
        'a branching or shared layer (only a single chain of layers can be exported)',
      );
    }
    previous = layer;
  }
  const last = layers[layers.length - 1];
  if (last !== undefined && model.outputs[0]?.sourceLayer !== last) {
    throw new GanforgeError(
      'export_unsupported',
      `model '${model.name}' does not end at its last layer '${last.name}'`,
    );
  }
  return layers;
}

/** Converts a single-chain tfjs LayersModel to an ONNX ModelProto (no metadata yet). Throws before building anything partial. */
export function convertToOnnx(model: tfl.LayersModel, options: ConvertOptions = {}): ConvertedModel {
  const opset = options.opset ?? 13;
  if (!SUPPORTED_OPSETS.includes(opset)) {
    throw new GanforgeError('export_bad_opset', `opset ${String(opset)} is not supported`, {
      hint: 'use --opset 13 or 17',
    });
  }
  const inputName = options.inputName ?? 'latent';
  const outputName = options.outputName ?? 'image';
  const layers = chain(model);
  const inputShape = staticShape(model.inputs[0]?.shape ?? [], `model '${model.name}' input`);
  const g = new GraphBuilder([inputName, outputName]);
  let value: Value = { name: inputName, shape: inputShape, layout: 'tf' };
  for (const layer of layers) {
    const convert = CONVERTERS[layer.getClassName()];
    if (!convert)
      throw unsupported(
        { name: layer.name, className: layer.getClassName() },
        'this layer class has no ONNX converter',
      );
    const info = readLayer(layer, value.shape);
    value = convert(g, value, info);
    if (value.shape.join(',') !== info.outputShape.join(',')) {
      throw unsupported(
        info,
        `converted shape [N, ${value.shape.join(', ')}] differs from tfjs [N, ${info.outputShape.join(', ')}]`,
      );
    }
  }
  value = g.toTf(value, 'output');
  const producer = g.nodes.find((n) => n.output?.[0] === value.name);
  if (producer) producer.output = [outputName];
  else
    g.nodes.push({ opType: 'Identity', name: 'output/Identity', input: [value.name], output: [outputName] });

  const modelProto: IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'ganforge',
    producerVersion: options.producerVersion ?? '',
    graph: {
      name: options.graphName ?? model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [floatValueInfo(inputName, [BATCH_DIM, ...inputShape])],
      output: [floatValueInfo(outputName, [BATCH_DIM, ...value.shape])],
    },
  };
  return {
    model: modelProto,
    inputShape,
    outputShape: value.shape,
    layers: layers.map((l) => l.getClassName()),
  };
}
