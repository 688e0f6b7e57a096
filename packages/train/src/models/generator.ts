import * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { ImageShape } from '@ganforge/data';
import type { DcganGeneratorConfig, GeneratorConfig, MlpGeneratorConfig } from './config.ts';
import { activationLayer } from './activation.ts';
import { conditionLatent } from './class-conditioning.ts';
import type { ClassConditioning } from './conditioning-config.ts';
import { gammaInit, kernelInit, layerSeeds } from './init.ts';
import { assertImageShape, dcganPlan } from './shapes.ts';

export interface GeneratorOptions {
  readonly latentDim: number;
  readonly shape: ImageShape;
  readonly seed: number;
  /** A class-conditional G (inputs [z, class]); absent = unconditional (input z). */
  readonly conditioning?: ClassConditioning | undefined;
}

/** Batch-norm epsilon (PyTorch's; tfjs defaults to 1e-3). Written explicitly so export keeps it. */
export const BN_EPSILON = 1e-5;
/** Batch-norm moving-average momentum (= PyTorch momentum 0.1). */
export const BN_MOMENTUM = 0.9;

type SymbolicTensor = tfl.SymbolicTensor;

function apply(layer: tfl.layers.Layer, x: SymbolicTensor): SymbolicTensor {
  return layer.apply(x) as SymbolicTensor;
}

export function batchNorm(name: string, seed: number): tfl.layers.Layer {
  return tfl.layers.batchNormalization({
    name,
    axis: -1,
    epsilon: BN_EPSILON,
    momentum: BN_MOMENTUM,
    gammaInitializer: gammaInit(seed),
  });
}

function buildMlp(cfg: MlpGeneratorConfig, opts: GeneratorOptions, z: SymbolicTensor): SymbolicTensor {
  const { height, width, channels } = opts.shape;
  const nextSeed = layerSeeds(opts.seed);
  let x = z;
  cfg.hidden.forEach((units, i) => {
    x = apply(
      tfl.layers.dense({
        name: `g_dense_${i}`,
        units,
        useBias: !cfg.batchNorm,
        kernelInitializer: kernelInit(nextSeed()),
      }),
      x,
    );
    if (cfg.batchNorm) x = apply(batchNorm(`g_bn_${i}`, nextSeed()), x);
    x = apply(activationLayer(cfg.activation, `g_act_${i}`), x);
    if (cfg.dropout > 0) x = apply(tfl.layers.dropout({ name: `g_dropout_${i}`, rate: cfg.dropout }), x);
  });
  x = apply(
    tfl.layers.dense({
      name: 'g_dense_out',
      units: height * width * channels,
      kernelInitializer: kernelInit(nextSeed()),
    }),
    x,
  );
  x = apply(tfl.layers.activation({ name: 'g_tanh', activation: cfg.outputActivation }), x);
  return apply(tfl.layers.reshape({ name: 'g_image', targetShape: [height, width, channels] }), x);
}

function buildDcgan(cfg: DcganGeneratorConfig, opts: GeneratorOptions, z: SymbolicTensor): SymbolicTensor {
  const { startSize, stages } = dcganPlan(opts.shape, 'generator');
  const nextSeed = layerSeeds(opts.seed);
  const act = (name: string): tfl.layers.Layer => activationLayer(cfg.activation, name);
  let filters = cfg.baseFilters * 2 ** (stages - 1);
  let x = apply(
    tfl.layers.dense({
      name: 'g_project',
      units: startSize * startSize * filters,
      useBias: !cfg.batchNorm,
      kernelInitializer: kernelInit(nextSeed()),
    }),
    z,
  );
  x = apply(tfl.layers.reshape({ name: 'g_reshape', targetShape: [startSize, startSize, filters] }), x);
  if (cfg.batchNorm) x = apply(batchNorm('g_bn_project', nextSeed()), x);
  x = apply(act('g_act_project'), x);
  for (let i = 0; i < stages - 1; i++) {
    filters = filters / 2;
    x = apply(
      tfl.layers.conv2dTranspose({
        name: `g_deconv_${i}`,
        filters,
        kernelSize: cfg.kernelSize,
        strides: 2,
        padding: 'same',
        useBias: !cfg.batchNorm,
        kernelInitializer: kernelInit(nextSeed()),
      }),
      x,
    );
    if (cfg.batchNorm) x = apply(batchNorm(`g_bn_${i}`, nextSeed()), x);
    x = apply(act(`g_act_${i}`), x);
  }
  x = apply(
    tfl.layers.conv2dTranspose({
      name: 'g_deconv_out',
      filters: opts.shape.channels,
      kernelSize: cfg.kernelSize,
      strides: 2,
      padding: 'same',
      kernelInitializer: kernelInit(nextSeed()),
    }),
    x,
  );
  return apply(tfl.layers.activation({ name: 'g_tanh', activation: 'tanh' }), x);
}

/**
 * The generator G: z [N, latentDim] -> images [N, H, W, C] in [-1, 1] (tanh), built only from
 * standard tfjs layers so the exporter can convert it. Weights N(0, 0.02), seeded: the same seed
 * gives the same initial weights. With `conditioning`, G takes [z, class] and the rest of it runs on
 * z conditioned by the class (docs/techniques.md#class-conditioning).
 */
export function buildGenerator(cfg: GeneratorConfig, opts: GeneratorOptions): tfl.LayersModel {
  if (!Number.isInteger(opts.latentDim) || opts.latentDim < 1) {
    throw new GanforgeError('bad_config', `generator: latentDim must be a positive integer, got ${opts.latentDim}`);
  }
  assertImageShape(opts.shape, 'generator');
  const z = tfl.input({ shape: [opts.latentDim], name: 'z' });
  const cond = opts.conditioning && conditionLatent(opts.conditioning, opts.latentDim, z, opts.seed);
  const latent = cond ? cond.latent : z;
  const out = cfg.kind === 'mlp' ? buildMlp(cfg, opts, latent) : buildDcgan(cfg, opts, latent);
  return tfl.model({ inputs: cond ? [z, cond.classInput] : z, outputs: out, name: 'generator' });
}
