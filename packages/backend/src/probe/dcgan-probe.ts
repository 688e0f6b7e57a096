/**
 * A small DCGAN (generator + discriminator + one non-saturating training step) used to prove
 * that a backend can train convolutional GANs: every kernel a DCGAN step touches, forward and
 * backward, runs here. Used by the backend tests; it is not the
 * product's model builder (train/models is).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface ProbeDcganSpec {
  /** Output image side; must be divisible by 4 (two stride-2 upsamplings). */
  size: number;
  channels: number;
  latentDim: number;
  /** Filters of G's first transposed conv (the dense layer feeds 2x this many). */
  gFilters: number;
  /** Filters of D's first conv (the second has 2x). */
  dFilters: number;
  kernelSize: number;
  /** Seed of every initializer and of the dropout mask: the same spec builds the same nets. */
  seed: number;
}

const init = (seed: number): ReturnType<typeof tfl.initializers.randomNormal> =>
  tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed });

type ConvTransposeArgs = Parameters<typeof tfl.layers.conv2dTranspose>[0];

/** A stride-2 'same' transposed conv of the spec's kernel size (it doubles the image side). */
const upsample = (s: ProbeDcganSpec, args: Omit<ConvTransposeArgs, 'kernelSize'>): tfl.layers.Layer =>
  tfl.layers.conv2dTranspose({ kernelSize: s.kernelSize, strides: 2, padding: 'same', ...args });

/** dense -> reshape -> BN -> ReLU -> convT(s2) -> BN -> ReLU -> convT(s2) -> tanh. */
export function buildProbeGenerator(s: ProbeDcganSpec): tfl.LayersModel {
  const base = s.size / 4;
  const g = tfl.sequential({ name: 'generator' });
  g.add(
    tfl.layers.dense({
      inputShape: [s.latentDim],
      units: base * base * s.gFilters * 2,
      useBias: false,
      kernelInitializer: init(s.seed),
    }),
  );
  g.add(tfl.layers.reshape({ targetShape: [base, base, s.gFilters * 2] }));
  g.add(tfl.layers.batchNormalization());
  g.add(tfl.layers.reLU());
  g.add(upsample(s, { filters: s.gFilters, useBias: false, kernelInitializer: init(s.seed + 1) }));
  g.add(tfl.layers.batchNormalization());
  g.add(tfl.layers.reLU());
  g.add(upsample(s, { filters: s.channels, activation: 'tanh', kernelInitializer: init(s.seed + 2) }));
  return g;
}

/** conv(s2) -> LeakyReLU -> conv(s2) -> BN -> LeakyReLU -> dropout -> flatten -> dense (logit). */
export function buildProbeDiscriminator(s: ProbeDcganSpec): tfl.LayersModel {
  const d = tfl.sequential({ name: 'discriminator' });
  d.add(
    tfl.layers.conv2d({
      inputShape: [s.size, s.size, s.channels],
      filters: s.dFilters,
      kernelSize: s.kernelSize,
      strides: 2,
      padding: 'same',
      kernelInitializer: init(s.seed + 3),
    }),
  );
  d.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  d.add(
    tfl.layers.conv2d({
      filters: s.dFilters * 2,
      kernelSize: s.kernelSize,
      strides: 2,
      padding: 'same',
      kernelInitializer: init(s.seed + 4),
    }),
  );
  d.add(tfl.layers.batchNormalization());
  d.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  d.add(tfl.layers.dropout({ rate: 0.3, seed: s.seed + 5 }));
  d.add(tfl.layers.flatten());
  d.add(tfl.layers.dense({ units: 1, kernelInitializer: init(s.seed + 6) }));
  return d;
}

const logits = (model: tfl.LayersModel, x: tf.Tensor): tf.Tensor =>
  model.apply(x, { training: true }) as tf.Tensor;

/** D loss: real -> 1, fake -> 0 (sigmoid cross-entropy on logits). */
export function discriminatorLoss(
  g: tfl.LayersModel,
  d: tfl.LayersModel,
  real: tf.Tensor,
  z: tf.Tensor,
): tf.Scalar {
  const fake = logits(g, z);
  const onReal = logits(d, real);
  const onFake = logits(d, fake);
  return tf.add(
    tf.losses.sigmoidCrossEntropy(tf.onesLike(onReal), onReal),
    tf.losses.sigmoidCrossEntropy(tf.zerosLike(onFake), onFake),
  ) as tf.Scalar;
}

/** Non-saturating G loss: -log D(G(z)). */
export function generatorLoss(g: tfl.LayersModel, d: tfl.LayersModel, z: tf.Tensor): tf.Scalar {
  const onFake = logits(d, logits(g, z));
  return tf.losses.sigmoidCrossEntropy(tf.onesLike(onFake), onFake) as tf.Scalar;
}

const trainable = (m: tfl.LayersModel): tf.Variable[] =>
  m.trainableWeights.map((w) => w.read() as tf.Variable);

export interface ProbeGrads {
  dLoss: number;
  gLoss: number;
  /** Gradient of each trainable weight, in `trainableWeights` order, as plain arrays. */
  dGrads: Float32Array[];
  gGrads: Float32Array[];
}

/** Losses and gradients of one D and one G step, without applying them. */
export function probeGradients(
  g: tfl.LayersModel,
  d: tfl.LayersModel,
  real: tf.Tensor,
  z: tf.Tensor,
): ProbeGrads {
  const collect = (m: tfl.LayersModel, f: () => tf.Scalar): { loss: number; grads: Float32Array[] } =>
    tf.tidy(() => {
      const vars = trainable(m);
      const { value, grads } = tf.variableGrads(f, vars);
      const out = vars.map((v) => {
        const grad = grads[v.name];
        if (grad === undefined) throw new Error(`no gradient for ${v.name}`);
        return grad.dataSync() as Float32Array;
      });
      return { loss: value.dataSync()[0] ?? NaN, grads: out };
    });
  const dPart = collect(d, () => discriminatorLoss(g, d, real, z));
  const gPart = collect(g, () => generatorLoss(g, d, z));
  return { dLoss: dPart.loss, gLoss: gPart.loss, dGrads: dPart.grads, gGrads: gPart.grads };
}

/** One full GAN step: update D on real + fake, then G; returns the two losses. */
export function trainStep(
  g: tfl.LayersModel,
  d: tfl.LayersModel,
  dOptimizer: tf.Optimizer,
  gOptimizer: tf.Optimizer,
  real: tf.Tensor,
  z: tf.Tensor,
): { dLoss: number; gLoss: number } {
  const dLoss = dOptimizer.minimize(() => discriminatorLoss(g, d, real, z), true, trainable(d));
  const gLoss = gOptimizer.minimize(() => generatorLoss(g, d, z), true, trainable(g));
  if (dLoss === null || gLoss === null) throw new Error('optimizer.minimize returned no loss');
  const out = { dLoss: dLoss.dataSync()[0] ?? NaN, gLoss: gLoss.dataSync()[0] ?? NaN };
  dLoss.dispose();
  gLoss.dispose();
  return out;
}
