import * as tf from '@tensorflow/tfjs-core';
import { sampleLatentsFrom, type Rng } from '@ganforge/core';
import { auxiliaryDiscriminatorLoss, auxiliaryGeneratorLoss, classAccuracy } from '../losses/index.ts';
import {
  addInstanceNoise,
  discriminatorTargets,
  instanceNoiseSigma,
  l2Coefficient,
  l2Penalty,
  updatesToApply,
  updateTechniqueStates,
  type TechniqueStates,
} from '../techniques/index.ts';
import { discriminate, discriminatorPass } from './discriminator-pass.ts';
import { forward } from './forward.ts';
import type { GanSetup } from './gan-setup.ts';
import { momentMatchingTerm } from './moment-matching-term.ts';
import { classLabels, generatorInputs, realImages } from './step-inputs.ts';
import {
  stepMetrics,
  StepTelemetry,
  type DReading,
  type GReading,
  type StepResult,
} from './step-telemetry.ts';

export type { GanSetup } from './gan-setup.ts';
export type { StepResult } from './step-telemetry.ts';

export interface StepInput {
  /** The real batch, NHWC float32 in [-1, 1]. */
  readonly real: Float32Array;
  /**
   * The real batch's class labels: a class-conditional run's y for the real batch and for the fakes of
   * both updates (docs/techniques.md#class-conditioning). Unused by an unconditional run.
   */
  readonly labels?: Int32Array | undefined;
  readonly batchSize: number;
  /** 0-based index of this step. */
  readonly index: number;
  readonly latentRng: Rng;
  /** Instance noise, label flips and dropout masks. */
  readonly noiseRng: Rng;
  /** The techniques' state before this step, by technique name (adaptive L2's coefficient). */
  readonly techniques: TechniqueStates;
}

export interface StepOutcome {
  readonly metrics: StepResult;
  /** The techniques' state after this step. */
  readonly techniques: TechniqueStates;
  /** False when a loss was NaN or infinite; no update was applied from that loss. */
  readonly finite: boolean;
}

/** What the techniques set for this step, before any update. */
interface InForce {
  /** Instance-noise sigma on D's inputs (0 when off). */
  readonly sigma: number;
  /** D's L2 coefficient (0 when adaptive L2 is off). */
  readonly l2: number;
}

/**
 * One training step on one real batch: an iteration of Algorithm 1 of Goodfellow et al. (2014), with
 * k = dStepsPerG D steps (one per real batch) per G step, as in docs/techniques.md#update-ratio:
 *  1. update D by descending its loss on the real minibatch x and on G(z) for a minibatch z;
 *  2. every k-th step, update G (gStepsPerD times, each on fresh z) by descending its loss on D(G(z));
 *  3. move the techniques' state on (adaptive L2, from G's adversarial loss).
 * The techniques act inside (docs/techniques.md#stabilization-techniques): instance noise and smoothed
 * or flipped targets on D's inputs, adaptive L2 on D's loss, margin balance skipping an update, moment
 * matching on G's loss; the network not being trained runs in inference mode with `frozenInference`.
 * A class-conditional run feeds G and D the real batch's labels, and with an auxiliary-classifier D adds
 * the class cross-entropy terms to both losses (docs/techniques.md#class-conditioning).
 * What the step measures is StepTelemetry's. All tensors are freed before it returns.
 */
export function trainStep(setup: GanSetup, input: StepInput): StepOutcome {
  const { config } = setup;
  const { techniques } = config;
  const telemetry = new StepTelemetry(config.logging.gradNormEvery, input.index);
  const inForce: InForce = {
    sigma: instanceNoiseSigma(techniques.instanceNoise, input.index, setup.totalSteps),
    l2: l2Coefficient(techniques.adaptiveL2, input.techniques.adaptiveL2),
  };

  // 1. D on x and G(z)
  const d = updateDiscriminator(setup, input, inForce, telemetry);

  // 2. G on D(G(z)), every k-th step (not after a non-finite D loss)
  const gScheduled = d.finite && (input.index + 1) % config.dStepsPerG === 0;
  const g = gScheduled ? updateGenerator(setup, input, inForce, d.applyG, telemetry) : undefined;

  // 3. the techniques' state
  const gAdversarialLoss = g ? adversarialPart(g.last) : undefined;
  const next = updateTechniqueStates(input.techniques, { gAdversarialLoss }, techniques);

  return {
    finite: d.finite && (g?.finite ?? true),
    techniques: next,
    metrics: stepMetrics({
      d: d.reading,
      g: g?.last,
      dUpdates: d.finite && d.applyD ? 1 : 0,
      gUpdates: g?.updates ?? 0,
      skippedD: !d.applyD,
      skippedG: gScheduled && !d.applyG,
      l2: inForce.l2,
      noiseSigma: inForce.sigma,
      lrG: config.optimizers.g.lr,
      lrD: config.optimizers.d.lr,
    }),
  };
}

interface DUpdate {
  readonly reading: DReading;
  /** Both of D's losses are finite (else no update was applied). */
  readonly finite: boolean;
  /** Margin balance's decision (both true when it is off). */
  readonly applyD: boolean;
  readonly applyG: boolean;
}

/**
 * D's update: its loss on x and G(z) (with noisy inputs, smoothed or flipped targets and the L2
 * penalty), then margin balance decides from err_R and err_F which of this step's updates go ahead.
 */
function updateDiscriminator(
  setup: GanSetup,
  input: StepInput,
  inForce: InForce,
  telemetry: StepTelemetry,
): DUpdate {
  const { config, generator, dVars, loss } = setup;
  const { sigma, l2 } = inForce;
  const B = input.batchSize;
  const rng = input.noiseRng;
  // The step's random draws, always in this order: z, the label flips, the noise seeds.
  const z = sampleLatentsFrom(input.latentRng, B, config.latent.dim, config.latent.distribution);
  const targets = discriminatorTargets(config.techniques.labels, B, rng);
  const noiseSeeds = sigma > 0 ? [rng.nextUint32(), rng.nextUint32()] : [0, 0];

  return scoped(() => {
    const real = realImages(setup, input);
    const y = classLabels(setup, input);
    const zIn = generatorInputs(tf.tensor2d(z, [B, config.latent.dim]), y);
    const fake = forward(generator, zIn, !config.frozenInference, rng);
    const realIn = sigma > 0 ? addInstanceNoise(real, sigma, noiseSeeds[0] as number) : real;
    const fakeIn = sigma > 0 ? addInstanceNoise(fake, sigma, noiseSeeds[1] as number) : fake;
    const realTarget = asTarget(targets.real, B);
    const fakeTarget = asTarget(targets.fake, B);
    const { grads } = tf.variableGrads(() => {
      const d = discriminate(setup, realIn, fakeIn, y, B, rng);
      const losses = loss.discriminator(d.real.logits, d.fake.logits, { realTarget, fakeTarget });
      // ACGAN: D also classifies the real and the fake batch (docs/techniques.md#class-conditioning).
      const classes =
        d.real.classLogits && d.fake.classLogits && y
          ? {
              loss: auxiliaryDiscriminatorLoss(
                auxiliaryWeight(setup),
                d.real.classLogits,
                d.fake.classLogits,
                y,
              ),
              accuracy: classAccuracy(d.real.classLogits, y),
            }
          : undefined;
      telemetry.recordD(losses, d.real.logits, d.fake.logits, classes);
      const dLoss = classes ? (tf.add(losses.dLoss, classes.loss) as tf.Scalar) : losses.dLoss;
      return l2 > 0 ? tf.add(dLoss, l2Penalty(dVars.variables, l2)) : dLoss;
    }, dVars.variables);
    const reading = telemetry.readD(grads, dVars);
    const finite =
      Number.isFinite(reading.dLossReal) &&
      Number.isFinite(reading.dLossFake) &&
      (reading.dClassLoss === undefined || Number.isFinite(reading.dClassLoss));
    const decision = updatesToApply(config.techniques.marginBalance, reading.dLossReal, reading.dLossFake);
    if (finite && decision.updateD) setup.dOptimizer.applyGradients(grads);
    disposeGrads(grads);
    return { reading, finite, applyD: decision.updateD, applyG: decision.updateG };
  });
}

interface GUpdates {
  /** The last G update's reading. */
  readonly last: GReading;
  /** G updates applied. */
  readonly updates: number;
  /** Every G loss was finite (G stops at the first that is not, without applying it). */
  readonly finite: boolean;
}

/**
 * G's updates: gStepsPerD times, on fresh z (and the real batch's classes), its loss on D(G(z)) plus
 * moment matching (plus an auxiliary-classifier D's class term).
 */
function updateGenerator(
  setup: GanSetup,
  input: StepInput,
  inForce: InForce,
  apply: boolean,
  telemetry: StepTelemetry,
): GUpdates {
  const { config, generator, gVars, loss } = setup;
  const { sigma } = inForce;
  const B = input.batchSize;
  const rng = input.noiseRng;
  let last: GReading | undefined;
  let updates = 0;
  let finite = true;
  for (let k = 0; finite && k < config.gStepsPerD; k++) {
    const zG = sampleLatentsFrom(input.latentRng, B, config.latent.dim, config.latent.distribution);
    const noiseSeed = sigma > 0 ? rng.nextUint32() : 0;
    last = scoped(() => {
      const y = classLabels(setup, input);
      const z = generatorInputs(tf.tensor2d(zG, [B, config.latent.dim]), y);
      const { grads } = tf.variableGrads(() => {
        const fake = forward(generator, z, true, rng);
        const fakeIn = sigma > 0 ? addInstanceNoise(fake, sigma, noiseSeed) : fake;
        const d = discriminatorPass(setup, fakeIn, y, !config.frozenInference, rng);
        const adversarial = loss.generator(d.logits);
        const moments = momentMatchingTerm(setup, input, fake, y);
        const classTerm =
          d.classLogits && y ? auxiliaryGeneratorLoss(auxiliaryWeight(setup), d.classLogits, y) : undefined;
        const sum = tf.add(adversarial, moments) as tf.Scalar;
        const total = classTerm ? (tf.add(sum, classTerm) as tf.Scalar) : sum;
        telemetry.recordG(total, moments, classTerm);
        return total;
      }, gVars.variables);
      const reading = telemetry.readG(grads, gVars);
      finite = Number.isFinite(reading.gLoss);
      if (finite && apply) {
        setup.gOptimizer.applyGradients(grads);
        updates += 1;
      }
      disposeGrads(grads);
      return reading;
    });
  }
  return { last: last as GReading, updates, finite };
}

/** G's adversarial loss in an update: its loss without the moment-matching and class terms. */
function adversarialPart(g: GReading): number {
  const withoutMoments = g.gLoss - g.momentMatching;
  return g.classTerm === undefined ? withoutMoments : withoutMoments - g.classTerm;
}

/** The weight w of an auxiliary-classifier D's class terms. */
function auxiliaryWeight(setup: GanSetup): number {
  return setup.config.conditioning?.auxiliaryWeight ?? 0;
}

/** One target for the batch, or one per example as an [N, 1] tensor. */
function asTarget(target: number | Float32Array, batchSize: number): number | tf.Tensor {
  return typeof target === 'number' ? target : tf.tensor2d(target, [batchSize, 1]);
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
