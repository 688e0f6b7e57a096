import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleLatentsFrom, type Rng } from '@ganforge/core';
import type { TrainConfig } from '../config/schema.ts';
import type { GanLoss } from '../losses/index.ts';
import {
  addInstanceNoise,
  decideUpdates,
  flipLabels,
  l2Penalty,
  momentMatchingLoss,
  nextL2,
  noiseSigma,
  realTarget,
} from '../techniques/index.ts';
import { forward, type ModelVariables } from './forward.ts';
import type { StepMetrics } from './metrics.ts';

/** Everything a step needs that lives for the whole run. */
export interface GanSetup {
  readonly config: TrainConfig;
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly gVars: ModelVariables;
  readonly dVars: ModelVariables;
  readonly gOptimizer: tf.Optimizer;
  readonly dOptimizer: tf.Optimizer;
  readonly loss: GanLoss;
  /** D up to its penultimate layer, when moment matching uses D's features. */
  readonly featureModel: tfl.LayersModel | undefined;
  readonly totalSteps: number;
}

/** State of the balance controllers, carried from step to step and saved in checkpoints. */
export interface ControllerState {
  /** D's L2 coefficient (adaptive L2). */
  readonly l2: number;
}

/** The controllers at step 0: adaptive L2 at its initial coefficient (0 when off). */
export function initialController(config: TrainConfig): ControllerState {
  const l2 = config.techniques.adaptiveL2;
  return { l2: l2.enabled ? l2.initial : 0 };
}

export interface StepInput {
  /** The real batch, NHWC float32 in [-1, 1]. */
  readonly real: Float32Array;
  readonly batchSize: number;
  /** 0-based index of this step. */
  readonly index: number;
  readonly latentRng: Rng;
  readonly noiseRng: Rng;
  readonly controller: ControllerState;
}

export type StepResult = Omit<StepMetrics, 'step' | 'epoch' | 'imagesPerSec'>;

export interface StepOutcome {
  readonly metrics: StepResult;
  readonly controller: ControllerState;
  /** False when a loss was NaN or infinite; no update was applied from that loss. */
  readonly finite: boolean;
}

function layerNorms(
  squares: ArrayLike<number>,
  offset: number,
  vars: ModelVariables,
): Record<string, number> {
  const perLayer: Record<string, number> = {};
  vars.layerKeys.forEach((key, i) => {
    perLayer[key] = (perLayer[key] ?? 0) + (squares[offset + i] as number);
  });
  for (const key of Object.keys(perLayer)) perLayer[key] = Math.sqrt(perLayer[key] as number);
  return perLayer;
}

function globalNorm(squares: ArrayLike<number>, offset: number, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += squares[offset + i] as number;
  return Math.sqrt(s);
}

/** Per-variable sums of squares of the gradients (0 for a variable without one), as one [V] tensor. */
function gradientSquares(grads: tf.NamedTensorMap, vars: ModelVariables): tf.Tensor1D {
  if (vars.variables.length === 0) return tf.zeros([0]);
  return tf.stack(
    vars.variables.map((v) => {
      const g = grads[v.name];
      return g ? tf.sum(tf.square(g)) : tf.scalar(0);
    }),
  ) as tf.Tensor1D;
}

/** tf.tidy for a function that returns plain values (no tensors), which tidy's types do not allow (null). */
function scoped<T>(fn: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = fn();
  });
  return out as T;
}

function disposeGrads(grads: tf.NamedTensorMap): void {
  for (const g of Object.values(grads)) g.dispose();
}

/**
 * One training step on one real batch, top to bottom like the papers:
 *  1. D: losses on the real batch and on G(z) (separate or mixed batches; instance noise; smoothed
 *     or flipped labels; + adaptive L2 penalty), gradients, and the margin-balance decision.
 *  2. G (every dStepsPerG-th step, gStepsPerD times): non-saturating/minimax/... loss on D(G(z))
 *     plus moment matching, gradients, update unless balance skips it.
 *  3. The L2 controller moves from G's adversarial loss.
 * The network not being trained runs in inference mode when `frozenInference` is on.
 * All tensors are freed before returning (numTensors is constant once the optimizers are warm).
 */
export function trainStep(setup: GanSetup, input: StepInput): StepOutcome {
  const { config, generator, discriminator, gVars, dVars, loss } = setup;
  const { techniques } = config;
  const B = input.batchSize;
  const { dim, distribution } = config.latent;
  const inputShape = discriminator.inputs[0]?.shape ?? [];
  const imageShape = [B, ...inputShape.slice(1)] as [number, number, number, number];
  const otherTraining = !config.frozenInference;
  const mixed = config.batchMode === 'mixed';
  const rng = input.noiseRng;

  const sigma = techniques.instanceNoise.enabled
    ? noiseSigma(input.index, setup.totalSteps, techniques.instanceNoise)
    : 0;
  const l2 = techniques.adaptiveL2.enabled ? input.controller.l2 : 0;
  const marginOn = techniques.marginBalance.enabled;
  const every = config.logging.gradNormEvery;
  const measureNorms = every > 0 && input.index % every === 0;
  /** Losses and D outputs, then (on telemetry steps) the gradients' sums of squares: one read-back. */
  const readStats = (stats: tf.Tensor, grads: tf.NamedTensorMap, vars: ModelVariables): Float32Array =>
    (measureNorms ? tf.concat([stats, gradientSquares(grads, vars)]) : stats).dataSync() as Float32Array;

  // ---- 1. discriminator
  const zD = sampleLatentsFrom(input.latentRng, B, dim, distribution);
  const realValue = realTarget(techniques.labels);
  const flipP = techniques.labels.flipProbability;
  const realLabels = flipP > 0 ? flipLabels(new Float32Array(B).fill(realValue), flipP, rng) : undefined;
  const fakeLabels = flipP > 0 ? flipLabels(new Float32Array(B), flipP, rng) : undefined;
  const noiseSeeds = sigma > 0 ? [rng.nextUint32(), rng.nextUint32()] : [0, 0];

  const d = scoped(() => {
    const real = tf.tensor4d(input.real, imageShape);
    const fake = forward(generator, tf.tensor2d(zD, [B, dim]), otherTraining, rng);
    const realIn = sigma > 0 ? addInstanceNoise(real, sigma, noiseSeeds[0] as number) : real;
    const fakeIn = sigma > 0 ? addInstanceNoise(fake, sigma, noiseSeeds[1] as number) : fake;
    const realT = realLabels ? tf.tensor2d(realLabels, [B, 1]) : realValue;
    const fakeT = fakeLabels ? tf.tensor2d(fakeLabels, [B, 1]) : 0;
    let stats: tf.Tensor | undefined;
    const { grads } = tf.variableGrads(() => {
      let realLogits: tf.Tensor;
      let fakeLogits: tf.Tensor;
      if (mixed) {
        const logits = forward(discriminator, tf.concat([realIn, fakeIn], 0), true, rng);
        realLogits = tf.slice(logits, [0, 0], [B, -1]);
        fakeLogits = tf.slice(logits, [B, 0], [B, -1]);
      } else {
        realLogits = forward(discriminator, realIn, true, rng);
        fakeLogits = forward(discriminator, fakeIn, true, rng);
      }
      const losses = loss.discriminator(realLogits, fakeLogits, { realTarget: realT, fakeTarget: fakeT });
      stats = tf.keep(
        tf.stack([
          losses.dLossReal,
          losses.dLossFake,
          tf.mean(tf.sigmoid(realLogits)),
          tf.mean(tf.sigmoid(fakeLogits)),
          tf.mean(tf.cast(tf.greater(fakeLogits, 0), 'float32')),
        ]),
      );
      return l2 > 0 ? tf.add(losses.dLoss, l2Penalty(dVars.variables, l2)) : losses.dLoss;
    }, dVars.variables);
    const values = readStats(stats as tf.Tensor, grads, dVars);
    (stats as tf.Tensor).dispose();
    const [dLossReal, dLossFake, dReal, dFake, foolRate] = Array.from(values.subarray(0, 5));
    const finite = Number.isFinite(dLossReal) && Number.isFinite(dLossFake);
    const decision = marginOn
      ? decideUpdates({
          errReal: dLossReal as number,
          errFake: dLossFake as number,
          margin: techniques.marginBalance.margin,
        })
      : { updateD: true, updateG: true };
    if (finite && decision.updateD) setup.dOptimizer.applyGradients(grads);
    disposeGrads(grads);
    return {
      dLossReal: dLossReal as number,
      dLossFake: dLossFake as number,
      dReal: dReal as number,
      dFake: dFake as number,
      foolRate: foolRate as number,
      dGradNorm: measureNorms ? globalNorm(values, 5, dVars.variables.length) : null,
      dLayerGradNorms: measureNorms ? layerNorms(values, 5, dVars) : null,
      finite,
      updateD: decision.updateD,
      updateG: decision.updateG,
    };
  });

  // ---- 2. generator
  const gScheduled = d.finite && (input.index + 1) % config.dStepsPerG === 0;
  let g:
    | {
        gLoss: number;
        momentMatching: number;
        gGradNorm: number | null;
        gLayerGradNorms: Record<string, number> | null;
      }
    | undefined;
  let gFinite = true;
  let gUpdates = 0;
  const mm = techniques.momentMatching;
  for (let k = 0; gScheduled && gFinite && k < config.gStepsPerD; k++) {
    const zG = sampleLatentsFrom(input.latentRng, B, dim, distribution);
    const noiseSeed = sigma > 0 ? rng.nextUint32() : 0;
    g = scoped(() => {
      const z = tf.tensor2d(zG, [B, dim]);
      let stats: tf.Tensor | undefined;
      const { grads } = tf.variableGrads(() => {
        const fake = forward(generator, z, true, rng);
        const fakeIn = sigma > 0 ? addInstanceNoise(fake, sigma, noiseSeed) : fake;
        const adversarial = loss.generator(forward(discriminator, fakeIn, otherTraining, rng));
        let moments: tf.Scalar = tf.scalar(0);
        if (mm.enabled) {
          const real = tf.tensor4d(input.real, imageShape);
          const features = mm.features === 'discriminator' ? setup.featureModel : undefined;
          moments = features
            ? momentMatchingLoss(
                forward(features, real, otherTraining, rng),
                forward(features, fake, otherTraining, rng),
                mm,
              )
            : momentMatchingLoss(real, fake, mm);
        }
        const total = tf.add(adversarial, moments) as tf.Scalar;
        stats = tf.keep(tf.stack([total, moments]));
        return total;
      }, gVars.variables);
      const values = readStats(stats as tf.Tensor, grads, gVars);
      (stats as tf.Tensor).dispose();
      const [gLoss, momentMatching] = Array.from(values.subarray(0, 2)) as [number, number];
      gFinite = Number.isFinite(gLoss);
      if (gFinite && d.updateG) {
        setup.gOptimizer.applyGradients(grads);
        gUpdates += 1;
      }
      disposeGrads(grads);
      return {
        gLoss,
        momentMatching,
        gGradNorm: measureNorms ? globalNorm(values, 2, gVars.variables.length) : null,
        gLayerGradNorms: measureNorms ? layerNorms(values, 2, gVars) : null,
      };
    });
  }

  // ---- 3. controllers
  const adversarialG = g ? g.gLoss - g.momentMatching : undefined;
  const nextL2Value =
    techniques.adaptiveL2.enabled && adversarialG !== undefined && Number.isFinite(adversarialG)
      ? nextL2(input.controller.l2, adversarialG, techniques.adaptiveL2)
      : input.controller.l2;

  return {
    finite: d.finite && gFinite,
    controller: { l2: nextL2Value },
    metrics: {
      dLossReal: d.dLossReal,
      dLossFake: d.dLossFake,
      gLoss: g ? g.gLoss : null,
      momentMatching: g ? g.momentMatching : null,
      dReal: d.dReal,
      dFake: d.dFake,
      foolRate: d.foolRate,
      gGradNorm: g ? g.gGradNorm : null,
      dGradNorm: d.dGradNorm,
      gLayerGradNorms: g ? g.gLayerGradNorms : null,
      dLayerGradNorms: d.dLayerGradNorms,
      dUpdates: d.finite && d.updateD ? 1 : 0,
      gUpdates,
      skippedD: !d.updateD,
      skippedG: gScheduled && !d.updateG,
      l2,
      noiseSigma: sigma,
      lrG: config.optimizers.g.lr,
      lrD: config.optimizers.d.lr,
    },
  };
}
