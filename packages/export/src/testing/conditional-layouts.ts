// The class-conditional layouts agreed with the training engine, rebuilt here from plain tfjs layers with tiny
// widths (as layouts.ts does for the unconditional ones): a generator G(z, class) and a projection
// discriminator D(image, class). Inputs are always in the order [z or image, class].
import * as tfl from '@tensorflow/tfjs-layers';

type Tensor = tfl.SymbolicTensor;

function apply(layer: tfl.layers.Layer, x: Tensor | Tensor[]): Tensor {
  return layer.apply(x) as Tensor;
}

export interface ConditionalGeneratorLayout {
  readonly kind: 'dcgan' | 'mlp';
  /** z * embed(class) (embedding width = latentDim), or [z, embed(class)] (embedding width = embeddingDim). */
  readonly merge: 'multiply' | 'concat';
  readonly numClasses: number;
  readonly latentDim?: number;
  /** The embedding width when merge is 'concat' (default 3). */
  readonly embeddingDim?: number;
  /** DCGAN: 28 (7 -> 14 -> 28) or 32 (4 -> 8 -> 16 -> 32); MLP: any [h, w, c]. */
  readonly size?: 28 | 32;
  readonly channels?: 1 | 3;
  readonly hidden?: readonly number[];
  readonly batchNorm?: boolean;
}

/** class (int32 [N, 1]) -> g_class_embedding -> g_class_flatten -> g_condition(z, e): the agreed structure. */
export function conditionInputs(
  latentDim: number,
  numClasses: number,
  merge: 'multiply' | 'concat',
  embeddingDim = 3,
): { z: Tensor; c: Tensor; h: Tensor } {
  const z = tfl.input({ shape: [latentDim], name: 'z' });
  const c = tfl.input({ shape: [1], dtype: 'int32', name: 'class' });
  const outputDim = merge === 'multiply' ? latentDim : embeddingDim;
  const e = apply(tfl.layers.embedding({ inputDim: numClasses, outputDim, name: 'g_class_embedding' }), c);
  const f = apply(tfl.layers.flatten({ name: 'g_class_flatten' }), e);
  const condition =
    merge === 'multiply'
      ? tfl.layers.multiply({ name: 'g_condition' })
      : tfl.layers.concatenate({ name: 'g_condition' });
  return { z, c, h: apply(condition, [z, f]) };
}

function dcganBody(l: ConditionalGeneratorLayout, h: Tensor): Tensor {
  const size = l.size ?? 28;
  const start = size === 28 ? 7 : 4;
  const stages = Math.log2(size / start);
  const bn = l.batchNorm ?? true;
  let filters = 2 * 2 ** (stages - 1);
  let x = apply(tfl.layers.dense({ units: start * start * filters, useBias: !bn, name: 'g_project' }), h);
  x = apply(tfl.layers.reshape({ targetShape: [start, start, filters], name: 'g_reshape' }), x);
  if (bn) x = apply(tfl.layers.batchNormalization({ epsilon: 1e-5, name: 'g_bn_project' }), x);
  x = apply(tfl.layers.reLU({ name: 'g_act_project' }), x);
  for (let i = 0; i < stages - 1; i++) {
    filters = filters / 2;
    const deconv = { filters, kernelSize: 4, strides: 2, padding: 'same' as const, useBias: !bn };
    x = apply(tfl.layers.conv2dTranspose({ ...deconv, name: `g_deconv_${i}` }), x);
    if (bn) x = apply(tfl.layers.batchNormalization({ epsilon: 1e-5, name: `g_bn_${i}` }), x);
    x = apply(tfl.layers.reLU({ name: `g_act_${i}` }), x);
  }
  const out = { filters: l.channels ?? 1, kernelSize: 4, strides: 2, padding: 'same' as const };
  x = apply(tfl.layers.conv2dTranspose({ ...out, name: 'g_deconv_out' }), x);
  return apply(tfl.layers.activation({ activation: 'tanh', name: 'g_tanh' }), x);
}

function mlpBody(l: ConditionalGeneratorLayout, h: Tensor): Tensor {
  const size = l.size ?? 28;
  const channels = l.channels ?? 1;
  let x = h;
  (l.hidden ?? [8]).forEach((units, i) => {
    x = apply(tfl.layers.dense({ units, useBias: !l.batchNorm, name: `g_dense_${i}` }), x);
    if (l.batchNorm) x = apply(tfl.layers.batchNormalization({ epsilon: 1e-5, name: `g_bn_${i}` }), x);
    x = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: `g_act_${i}` }), x);
  });
  x = apply(tfl.layers.dense({ units: size * size * channels, name: 'g_dense_out' }), x);
  x = apply(tfl.layers.activation({ activation: 'tanh', name: 'g_tanh' }), x);
  return apply(tfl.layers.reshape({ targetShape: [size, size, channels], name: 'g_image' }), x);
}

/** G(z, class): the agreed conditioning, then the DCGAN or MLP generator body (named as @ganforge/train names it). */
export function conditionalGenerator(l: ConditionalGeneratorLayout): tfl.LayersModel {
  const { z, c, h } = conditionInputs(l.latentDim ?? 6, l.numClasses, l.merge, l.embeddingDim);
  const out = l.kind === 'dcgan' ? dcganBody(l, h) : mlpBody(l, h);
  return tfl.model({ inputs: [z, c], outputs: out, name: 'generator' });
}

/**
 * A projection discriminator D(image, class) = linear(phi(x)) + <embed(class), phi(x)>, phi = conv, flatten,
 * dense: the Dot and Add of a conditional D (Miyato & Koyama 2018).
 */
export function projectionDiscriminator(l: {
  numClasses: number;
  size?: number;
  channels?: 1 | 3;
  features?: number;
}): tfl.LayersModel {
  const size = l.size ?? 8;
  const features = l.features ?? 6;
  const image = tfl.input({ shape: [size, size, l.channels ?? 1], name: 'image' });
  const c = tfl.input({ shape: [1], dtype: 'int32', name: 'class' });
  let x = apply(
    tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', name: 'd_conv' }),
    image,
  );
  x = apply(tfl.layers.leakyReLU({ alpha: 0.2, name: 'd_act' }), x);
  x = apply(tfl.layers.flatten({ name: 'd_flatten' }), x);
  const phi = apply(tfl.layers.dense({ units: features, activation: 'relu', name: 'd_features' }), x);
  const linear = apply(tfl.layers.dense({ units: 1, name: 'd_linear' }), phi);
  const e = apply(
    tfl.layers.embedding({ inputDim: l.numClasses, outputDim: features, name: 'd_class_embedding' }),
    c,
  );
  const f = apply(tfl.layers.flatten({ name: 'd_class_flatten' }), e);
  const projection = apply(tfl.layers.dot({ axes: 1, name: 'd_projection' }), [phi, f]);
  const logit = apply(tfl.layers.add({ name: 'd_logit' }), [linear, projection]);
  return tfl.model({ inputs: [image, c], outputs: logit, name: 'discriminator' });
}
