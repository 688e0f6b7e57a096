import { OP_FORMS, type OpForm } from '../onnx/op-forms.ts';
import type { ConverterEntry } from './layer.ts';
import {
  ACTIVATION_FORMS,
  convertActivation,
  convertIdentity,
  convertLeakyReLU,
  convertReLU,
} from './layers/activation.ts';
import { convertBatchNormalization } from './layers/batch-norm.ts';
import { convertConv2D, convertConv2DTranspose } from './layers/conv.ts';
import { convertDense } from './layers/dense.ts';
import { convertEmbedding } from './layers/embedding.ts';
import { convertAdd, convertConcatenate, convertDot, convertMultiply } from './layers/merge.ts';
import { convertFlatten, convertReshape } from './layers/reshape.ts';

// Transpose: where a converter moves its input between NCHW and the tfjs layout (g.toNchw / g.toTf);
// Reshape: where g.toTf restores the size-1 axis of a squeezed value (an embedded class).
const { Add, BatchNormalization, Concat, Conv, ConvTranspose, Flatten, Gather, Gemm, LeakyRelu, MatMul } =
  OP_FORMS;
const { Mul, Relu, Reshape, Transpose } = OP_FORMS;

/** Dense: Gemm (rank 2) or MatMul + Add, then its fused activation. */
export const DENSE_OPS: readonly OpForm[] = [Transpose, Reshape, Gemm, MatMul, Add, ...ACTIVATION_FORMS];
/** Conv2D: Conv in NCHW, then its fused activation. */
export const CONV2D_OPS: readonly OpForm[] = [Transpose, Conv, ...ACTIVATION_FORMS];

/** Layers that only act while training (Dropout, noise): the identity, no node at all. */
const identity: ConverterEntry = { convert: convertIdentity, ops: [] };

/**
 * tfjs layer class name -> converter and the ONNX op forms it writes (its opset range follows from
 * those: onnx/op-forms.ts).
 */
export const standardConverters: Readonly<Record<string, ConverterEntry>> = {
  Dense: { convert: convertDense, ops: DENSE_OPS },
  Conv2D: { convert: convertConv2D, ops: CONV2D_OPS },
  Conv2DTranspose: { convert: convertConv2DTranspose, ops: [Transpose, ConvTranspose, ...ACTIVATION_FORMS] },
  BatchNormalization: { convert: convertBatchNormalization, ops: [Transpose, BatchNormalization] },
  Activation: { convert: convertActivation, ops: ACTIVATION_FORMS },
  ReLU: { convert: convertReLU, ops: [Relu] },
  LeakyReLU: { convert: convertLeakyReLU, ops: [LeakyRelu] },
  Reshape: { convert: convertReshape, ops: [Transpose, Reshape] },
  Flatten: { convert: convertFlatten, ops: [Transpose, Flatten] },
  // Class conditioning (a conditional G: z * or ++ flatten(embedding(class)); a projection D: + <embedding, phi(x)>).
  Embedding: { convert: convertEmbedding, ops: [Gather], indices: true },
  Multiply: { merge: convertMultiply, ops: [Transpose, Reshape, Mul] },
  Add: { merge: convertAdd, ops: [Transpose, Reshape, Add] },
  Concatenate: { merge: convertConcatenate, ops: [Transpose, Reshape, Concat] },
  Dot: { merge: convertDot, ops: [Transpose, Reshape, Mul, MatMul] },
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
};
