import type { GraphBuilder, Value } from '../../onnx/graph.ts';
import { OP_FORMS } from '../../onnx/op-forms.ts';
import { intAttr, intsAttr } from '../../onnx/proto.ts';
import type { ConverterEntry, LayerConverter, LayerInfo } from '../layer.ts';
import { numberConfig, unsupported, weight } from '../layer.ts';
import { CONV2D_OPS, DENSE_OPS } from '../registry.ts';
import { convertConv2D } from './conv.ts';
import { convertDense } from './dense.ts';
import { foldSpectralNorm } from './spectral-fold.ts';

/** The axis that holds channels: 1 in NCHW, the last one in the tfjs layout. */
function channelAxis(x: Value): number {
  return x.layout === 'nchw' ? 1 : x.shape.length;
}

/** mean over the batch axis, kept as [1, ...] so it broadcasts back. */
function batchMean(g: GraphBuilder, x: string, base: string): string {
  return g.node('ReduceMean', [x], base, [intsAttr('axes', [0]), intAttr('keepdims', 1)]);
}

function withChannels(x: Value, extra: number, name: string): Value {
  const shape = [...x.shape.slice(0, -1), (x.shape[x.shape.length - 1] ?? 0) + extra];
  return { name, shape, layout: x.layout };
}

/**
 * MinibatchMeanDifference (docs/techniques.md#minibatch-mean-difference): concat([x, x - mean_batch(x)]) on
 * the channel axis.
 */
export const convertMinibatchMeanDifference: LayerConverter = (g, x, layer) => {
  const diff = g.node('Sub', [x.name, batchMean(g, x.name, layer.name)], layer.name);
  const name = g.node('Concat', [x.name, diff], layer.name, [intAttr('axis', channelAxis(x))]);
  return withChannels(x, x.shape[x.shape.length - 1] ?? 0, name);
};

/**
 * MinibatchStdDev: s = mean over features of sqrt(var_batch(x) + epsilon) (biased variance, as tf.moments), appended
 * as one constant channel. The channel is `s` expanded to the shape of x's first channel (Slice -> Shape -> Expand),
 * so the batch stays dynamic.
 */
export const convertMinibatchStdDev: LayerConverter = (g, x, layer) => {
  const epsilon = numberConfig(layer, 'epsilon', 1e-8);
  const base = layer.name;
  const centered = g.node('Sub', [x.name, batchMean(g, x.name, base)], base);
  const variance = batchMean(g, g.node('Mul', [centered, centered], base), base);
  const eps = g.floatInit(`${base}/epsilon`, [], new Float32Array([epsilon]));
  const std = g.node('Sqrt', [g.node('Add', [variance, eps], base)], base);
  const meanStd = g.node('ReduceMean', [std], base, [intAttr('keepdims', 1)]);
  const axis = channelAxis(x);
  const slice = g.node(
    'Slice',
    [
      x.name,
      g.int64Init(`${base}/starts`, [0]),
      g.int64Init(`${base}/ends`, [1]),
      g.int64Init(`${base}/axes`, [axis]),
    ],
    base,
  );
  const channel = g.node('Expand', [meanStd, g.node('Shape', [slice], base)], base);
  const name = g.node('Concat', [x.name, channel], base, [intAttr('axis', axis)]);
  return withChannels(x, 1, name);
};

/** SpectralNormalization(Dense | Conv2D): the kernel is folded to W / sigma(W, u) and written as the plain layer. */
export const convertSpectralNormalization: LayerConverter = (g, x, layer) => {
  const inner = layer.config.layer as { className?: unknown; config?: Record<string, unknown> } | undefined;
  const className = inner?.className;
  if (className !== 'Dense' && className !== 'Conv2D') {
    throw unsupported(layer, `wrapped layer ${JSON.stringify(className)} (Dense or Conv2D only)`);
  }
  const kernel = weight(layer, 'kernel');
  const folded = foldSpectralNorm(kernel.values, kernel.shape, weight(layer, 'u').values);
  const weights = new Map(layer.weights);
  weights.set('kernel', { shape: kernel.shape, values: folded });
  const plain: LayerInfo = {
    name: layer.name,
    className,
    config: { ...(inner?.config ?? {}), activation: 'linear' },
    weights,
    outputShape: layer.outputShape,
  };
  return className === 'Dense' ? convertDense(g, x, plain) : convertConv2D(g, x, plain);
};

const { Add, Concat, Expand, Mul, ReduceMean, Shape, Slice, Sqrt, Sub } = OP_FORMS;

/** The ganforge discriminator layers -> converter and the ONNX op forms it writes (see registry.ts). */
export const discriminatorConverters: Readonly<Record<string, ConverterEntry>> = {
  MinibatchMeanDifference: { convert: convertMinibatchMeanDifference, ops: [ReduceMean, Sub, Concat] },
  MinibatchStdDev: {
    convert: convertMinibatchStdDev,
    ops: [ReduceMean, Sub, Mul, Add, Sqrt, Slice, Shape, Expand, Concat],
  },
  // Written as the plain Dense or Conv2D it wraps.
  SpectralNormalization: { convert: convertSpectralNormalization, ops: [...DENSE_OPS, ...CONV2D_OPS] },
};
