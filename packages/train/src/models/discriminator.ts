import * as tfl from '@tensorflow/tfjs-layers';
import type { ImageShape } from '@ganforge/data';
import type {
  DcganDiscriminatorConfig,
  DiscriminatorConfig,
  MinibatchFeatures,
  MlpDiscriminatorConfig,
} from './config.ts';
import { activationLayer } from './activation.ts';
import { conditionalHead } from './class-conditioning.ts';
import type { ClassConditioning } from './conditioning-config.ts';
import { batchNorm } from './generator.ts';
import { kernelInit, layerSeeds } from './init.ts';
import { MinibatchMeanDifference } from '@ganforge/runs';
import { MinibatchStdDev } from '@ganforge/runs';
import { spectralNormalization, type SpectralNormInner } from '@ganforge/runs';
import { assertImageShape, dcganPlan } from './shapes.ts';

export interface DiscriminatorOptions {
  readonly shape: ImageShape;
  readonly seed: number;
  /** A class-conditional D (projection: inputs [image, class]; auxiliary: outputs [logit, class logits]). */
  readonly conditioning?: ClassConditioning | undefined;
}

/** Name of D's last layer (one logit); its input is D's penultimate feature vector. */
export const LOGIT_LAYER = 'd_logit';

type SymbolicTensor = tfl.SymbolicTensor;

function apply(layer: tfl.layers.Layer, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

/** A Dense/Conv2D layer, wrapped in spectral normalization when asked. */
function weightLayer(layer: SpectralNormInner, sn: boolean, name: string, seed: number): tfl.layers.Layer {
  return sn ? spectralNormalization(layer, { name, seed }) : layer;
}

function minibatchLayer(kind: MinibatchFeatures, name: string): tfl.layers.Layer | undefined {
  if (kind === 'mean_difference') return new MinibatchMeanDifference({ name });
  if (kind === 'stddev') return new MinibatchStdDev({ name });
  return undefined;
}

/**
 * mean_difference goes on D's input, stddev (ProGAN) before the last layer
 * (docs/techniques.md#minibatch-features).
 */
function addMinibatch(cfg: { minibatch: MinibatchFeatures }, where: 'input' | 'end', x: SymbolicTensor): SymbolicTensor {
  const wanted = where === 'input' ? 'mean_difference' : 'stddev';
  if (cfg.minibatch !== wanted) return x;
  const layer = minibatchLayer(cfg.minibatch, `d_minibatch_${cfg.minibatch}`);
  return layer === undefined ? x : apply(layer, x);
}

function buildMlp(cfg: MlpDiscriminatorConfig, opts: DiscriminatorOptions, image: SymbolicTensor): SymbolicTensor {
  const nextSeed = layerSeeds(opts.seed);
  let x = apply(tfl.layers.flatten({ name: 'd_flatten' }), image);
  x = addMinibatch(cfg, 'input', x);
  cfg.hidden.forEach((units, i) => {
    const name = `d_dense_${i}`;
    const dense = tfl.layers.dense({
      name: cfg.spectralNorm ? `${name}_inner` : name,
      units,
      useBias: !cfg.batchNorm,
      kernelInitializer: kernelInit(nextSeed()),
    });
    x = apply(weightLayer(dense, cfg.spectralNorm, name, nextSeed()), x);
    if (cfg.batchNorm) x = apply(batchNorm(`d_bn_${i}`, nextSeed()), x);
    x = apply(activationLayer(cfg.activation, `d_act_${i}`), x);
    if (cfg.dropout > 0) x = apply(tfl.layers.dropout({ name: `d_dropout_${i}`, rate: cfg.dropout }), x);
  });
  return addMinibatch(cfg, 'end', x);
}

function buildDcgan(cfg: DcganDiscriminatorConfig, opts: DiscriminatorOptions, image: SymbolicTensor): SymbolicTensor {
  const { stages } = dcganPlan(opts.shape, 'discriminator');
  const nextSeed = layerSeeds(opts.seed);
  let x = addMinibatch(cfg, 'input', image);
  for (let i = 0; i < stages; i++) {
    const name = `d_conv_${i}`;
    // DCGAN: no batch norm on D's first layer.
    const bn = cfg.batchNorm && i > 0;
    const conv = tfl.layers.conv2d({
      name: cfg.spectralNorm ? `${name}_inner` : name,
      filters: cfg.baseFilters * 2 ** i,
      kernelSize: cfg.kernelSize,
      strides: 2,
      padding: 'same',
      useBias: !bn,
      kernelInitializer: kernelInit(nextSeed()),
    });
    x = apply(weightLayer(conv, cfg.spectralNorm, name, nextSeed()), x);
    if (bn) x = apply(batchNorm(`d_bn_${i}`, nextSeed()), x);
    x = apply(tfl.layers.leakyReLU({ name: `d_act_${i}`, alpha: cfg.leakyAlpha }), x);
    if (cfg.dropout > 0) x = apply(tfl.layers.dropout({ name: `d_dropout_${i}`, rate: cfg.dropout }), x);
  }
  x = addMinibatch(cfg, 'end', x);
  return apply(tfl.layers.flatten({ name: 'd_flatten' }), x);
}

/**
 * The discriminator D: images [N, H, W, C] -> LOGITS [N, 1] (no sigmoid; the losses take logits).
 * Custom layers (spectral normalization, minibatch features) are registered tfjs classes, so a
 * saved D reloads with tfl.models.modelFromJSON / loadLayersModel. With `conditioning`, a projection D
 * takes [image, class] and an auxiliary-classifier D returns [logit, class logits]
 * (docs/techniques.md#class-conditioning).
 */
export function buildDiscriminator(cfg: DiscriminatorConfig, opts: DiscriminatorOptions): tfl.LayersModel {
  assertImageShape(opts.shape, 'discriminator');
  const { height, width, channels } = opts.shape;
  const image = tfl.input({ shape: [height, width, channels], name: 'image' });
  const features = cfg.kind === 'mlp' ? buildMlp(cfg, opts, image) : buildDcgan(cfg, opts, image);
  const nextSeed = layerSeeds(opts.seed ^ 0x7fffffff);
  const logitLayer = tfl.layers.dense({
    name: cfg.spectralNorm ? `${LOGIT_LAYER}_inner` : LOGIT_LAYER,
    units: 1,
    kernelInitializer: kernelInit(nextSeed()),
  });
  const logit = apply(weightLayer(logitLayer, cfg.spectralNorm, LOGIT_LAYER, nextSeed()), features);
  if (!opts.conditioning) return tfl.model({ inputs: image, outputs: logit, name: 'discriminator' });
  const head = conditionalHead(opts.conditioning, features, logit, cfg.spectralNorm, opts.seed);
  return tfl.model({ inputs: [image, ...head.inputs], outputs: head.outputs, name: 'discriminator' });
}

/**
 * A model sharing D's layers that returns D's penultimate features (the input of the logit
 * layer), e.g. for moment matching on features instead of pixels. It takes D's inputs: [image, class]
 * for a projection D (the features do not depend on the class).
 */
export function discriminatorFeatures(d: tfl.LayersModel): tfl.LayersModel {
  const input = d.getLayer(LOGIT_LAYER).input;
  const features = Array.isArray(input) ? input[0] : input;
  if (features === undefined) throw new Error(`discriminator has no ${LOGIT_LAYER} input`);
  return tfl.model({ inputs: d.inputs, outputs: features, name: 'discriminator_features' });
}
