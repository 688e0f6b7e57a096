import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { foldBatchNorms } from '../onnx/fold-batch-norm.ts';
import { GraphBuilder } from '../onnx/graph.ts';
import type { Value } from '../onnx/graph.ts';
import { floatValueInfo, int64ValueInfo } from '../onnx/proto.ts';
import type { OpsetRange } from '../onnx/op-forms.ts';
import type { IModelProto } from '../onnx/proto.ts';
import { CLASS_INPUT, modelInputs } from './class-input.ts';
import type { ConverterEntry, LayerInfo } from './layer.ts';
import { unsupported } from './layer.ts';
import { layerSteps } from './model-graph.ts';
import { checkDeclared, checkOpset, type LayerUse } from './opset-check.ts';
import { readLayer, staticShape } from './read-layer.ts';
import { standardConverters } from './registry.ts';
import { discriminatorConverters } from './layers/discriminator.ts';

/**
 * The opsets an export may target. Each converter declares the ONNX op forms it writes (convert/registry.ts,
 * onnx/op-forms.ts), and a model is only written at an opset where all of its converters' forms are valid;
 * opset_import declares that target. 13 by default: every form we write is valid there (Gemm without C needs
 * 11, Slice with inputs 10), and it is the oldest opset that onnxruntime-web/-node and most other runtimes all
 * accept. 17 for runtimes that ask for a newer one; not 18, where ReduceMean's `axes` (the minibatch layers)
 * becomes an input. IR version 8 is what onnx-proto 8.0.1 (ONNX 1.10) describes.
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
  /** Graph input name of the class indices of a conditional model (default 'class'). */
  readonly classInputName?: string;
  readonly graphName?: string;
  readonly producerVersion?: string;
  /**
   * Converters by tfjs class name, used over the built-in ones (a custom layer, or a test); each declares
   * the op forms it writes, like the built-in ones.
   */
  readonly converters?: Readonly<Record<string, ConverterEntry>>;
  /**
   * Write each BatchNormalization into the Gemm or convolution before it where it can (onnx/fold-batch-norm.ts):
   * a faster graph, the same values to float32 rounding. Default true; false keeps one node per tfjs layer.
   */
  readonly foldBatchNorms?: boolean;
}

export interface ConvertedModel {
  readonly model: IModelProto;
  /** Shapes without the batch axis, in the tfjs layout (NHWC for images); the input is z (or a D's image). */
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Class names of the layers converted, in order. */
  readonly layers: readonly string[];
  /**
   * The opsets in which every node form of the graph is valid (its converters' declared forms and the
   * graph's own); the target opset, which opset_import declares, lies within it.
   */
  readonly opsets: OpsetRange;
  /**
   * A conditional model's second graph input, int64 [N]: one class id in [0, numClasses) per sample (a
   * server must reject any other; the graph does not clamp). Absent for an unconditional model.
   */
  readonly classInput?: { readonly name: string; readonly numClasses: number };
}

const CONVERTERS: Readonly<Record<string, ConverterEntry>> = {
  ...standardConverters,
  ...discriminatorConverters,
};

/** Runs one layer's converter on its input values (one, or several for a merge layer). */
function convertLayer(
  g: GraphBuilder,
  entry: ConverterEntry,
  inputs: readonly Value[],
  info: LayerInfo,
): Value {
  if (!entry.indices && inputs.some((v) => v.dtype === 'int64')) {
    throw unsupported(info, 'reads the class indices (only an Embedding can)');
  }
  if ('merge' in entry) return entry.merge(g, inputs, info);
  const [x] = inputs;
  if (!x || inputs.length !== 1)
    throw unsupported(info, `${inputs.length} inputs (this layer class takes one)`);
  return entry.convert(g, x, info);
}

/**
 * Converts a tfjs LayersModel (a chain, or a functional graph with a class input and merge layers) to an ONNX
 * ModelProto (no metadata yet). Throws before building anything partial.
 */
export function convertToOnnx(model: tfl.LayersModel, options: ConvertOptions = {}): ConvertedModel {
  const opset = options.opset ?? 13;
  if (!SUPPORTED_OPSETS.includes(opset)) {
    throw new GanforgeError('export_bad_opset', `opset ${String(opset)} is not supported`, {
      hint: 'use --opset 13 or 17',
    });
  }
  const inputName = options.inputName ?? 'latent';
  const outputName = options.outputName ?? 'image';
  const classInputName = options.classInputName ?? CLASS_INPUT;
  const steps = layerSteps(model);
  const { main, classInput } = modelInputs(model);
  const converters = { ...CONVERTERS, ...options.converters };
  const uses: LayerUse[] = steps.map(({ layer }) => {
    const named = { name: layer.name, className: layer.getClassName() };
    const entry = converters[named.className];
    if (!entry) throw unsupported(named, 'this layer class has no ONNX converter');
    return { layer: named, entry };
  });
  const opsets = checkOpset(opset, uses, SUPPORTED_OPSETS);
  const inputShape = staticShape(main.shape, `model '${model.name}' input`);
  const g = new GraphBuilder(classInput ? [inputName, classInputName, outputName] : [inputName, outputName]);
  const values = new Map<number, Value>([[main.id, { name: inputName, shape: inputShape, layout: 'tf' }]]);
  // tfjs [N, 1] int32 -> ONNX int64 [N]: the size-1 axis is left out (squeezed), so Gather gives [N, d].
  if (classInput) {
    values.set(classInput.tensor.id, {
      name: classInputName,
      shape: [1],
      layout: 'squeezed',
      dtype: 'int64',
    });
  }
  for (const [i, { layer, inputs, output }] of steps.entries()) {
    const use = uses[i]!;
    const xs = inputs.map((t) => values.get(t.id)!);
    const info = readLayer(layer, xs[0]?.shape ?? []);
    const first = g.nodes.length;
    const y = convertLayer(g, use.entry, xs, info);
    checkDeclared(use, g.nodes.slice(first));
    if (y.shape.join(',') !== info.outputShape.join(',')) {
      throw unsupported(
        info,
        `converted shape [N, ${y.shape.join(', ')}] differs from tfjs [N, ${info.outputShape.join(', ')}]`,
      );
    }
    values.set(output.id, y);
  }
  const result = values.get(model.outputs[0]!.id)!;
  if (result.dtype === 'int64') {
    throw new GanforgeError('export_unsupported', `model '${model.name}' outputs its class input`);
  }
  // Each BatchNormalization written into the Gemm or convolution before it (onnx/fold-batch-norm.ts).
  if (options.foldBatchNorms !== false) foldBatchNorms(g.nodes, g.initializers, [result.name]);
  const value = g.toTf(result, 'output');
  // The output keeps its graph name: its producer writes it directly, unless another node reads that value.
  const producer = g.nodes.find((n) => n.output?.[0] === value.name);
  const read = g.nodes.some((n) => n.input?.includes(value.name));
  if (producer && !read) producer.output = [outputName];
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
      input: model.inputs.map((t) =>
        t.id === main.id
          ? floatValueInfo(inputName, [BATCH_DIM, ...inputShape])
          : int64ValueInfo(classInputName, [BATCH_DIM]),
      ),
      output: [floatValueInfo(outputName, [BATCH_DIM, ...value.shape])],
    },
  };
  return {
    model: modelProto,
    inputShape,
    outputShape: value.shape,
    layers: steps.map((s) => s.layer.getClassName()),
    opsets,
    ...(classInput ? { classInput: { name: classInputName, numClasses: classInput.numClasses } } : {}),
  };
}
