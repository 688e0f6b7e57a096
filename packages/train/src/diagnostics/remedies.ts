import { valueAt } from '@ganforge/core';
import type { ConfigPath, ConfigPathTo } from '../config/config-path.ts';
import type { DetectorName, Remedy } from './types.ts';

/** A config change as `--set path=value` would write it. */
export interface ConfigChange {
  readonly path: ConfigPath;
  readonly value: unknown;
}

/**
 * A remedy plus, when it can be switched on mid-run, how (undefined = already on / not applicable).
 * Its technique and the fields it changes are typed config paths: a misspelt one does not compile.
 */
export interface RemedySpec extends Remedy {
  readonly technique: ConfigPath;
  readonly apply?: (config: unknown) => ConfigChange[] | undefined;
}

/** Value at a dotted path of a plain object (undefined when missing). */
export function valueAtPath(obj: unknown, path: string): unknown {
  return valueAt(obj, path.split('.'));
}

/** Switches a boolean on unless it is on already. */
function enable(path: ConfigPathTo<boolean>): (config: unknown) => ConfigChange[] | undefined {
  return (config) => (valueAtPath(config, path) === true ? undefined : [{ path, value: true }]);
}

/** Halves a learning rate (always applicable: each rescue may halve it again). */
function halve(...paths: ConfigPathTo<number>[]): (config: unknown) => ConfigChange[] | undefined {
  return (config) => {
    const changes: ConfigChange[] = [];
    for (const path of paths) {
      const lr = valueAtPath(config, path);
      if (typeof lr === 'number' && lr > 0) changes.push({ path, value: lr / 2 });
    }
    return changes.length > 0 ? changes : undefined;
  };
}

const instanceNoise: RemedySpec = {
  technique: 'techniques.instanceNoise',
  text: "Add instance noise to D's real and fake inputs (annealed to 0): it makes D's job harder and keeps its output off the saturated ends",
  source: 'docs/techniques.md#instance-noise',
  rescuable: true,
  apply: enable('techniques.instanceNoise.enabled'),
};
const labelSmoothing: RemedySpec = {
  technique: 'techniques.labels.oneSidedSmoothing',
  text: 'One-sided label smoothing (real target 0.9) discourages D from being overconfident',
  source: 'docs/techniques.md#one-sided-label-smoothing',
  rescuable: true,
  apply: enable('techniques.labels.oneSidedSmoothing'),
};
const labelFlipping: RemedySpec = {
  technique: 'techniques.labels.flipProbability',
  text: "Flip a few of D's labels at random (e.g. 5%): impairs D by giving false labels to real images",
  source: 'docs/techniques.md#label-flipping',
  rescuable: true,
  apply: (config) => {
    const path: ConfigPathTo<number> = 'techniques.labels.flipProbability';
    const p = valueAtPath(config, path);
    return typeof p === 'number' && p > 0 ? undefined : [{ path, value: 0.05 }];
  },
};
const marginBalance: RemedySpec = {
  technique: 'techniques.marginBalance',
  text: 'Margin balance: skip the update of whichever network is too good (D when err_R or err_F < 0.3), so neither overpowers the other',
  source: 'docs/techniques.md#margin-balance',
  rescuable: true,
  apply: enable('techniques.marginBalance.enabled'),
};
const adaptiveL2: RemedySpec = {
  technique: 'techniques.adaptiveL2',
  text: "Adaptive L2 on D: raise D's weight decay while G's loss is above 1.3, lower it below 0.9",
  source: 'docs/techniques.md#adaptive-l2',
  rescuable: true,
  apply: enable('techniques.adaptiveL2.enabled'),
};
const momentMatching: RemedySpec = {
  technique: 'techniques.momentMatching',
  text: "Moment matching: penalize G when the mean and variance of its batch differ from the real batch's, which keeps it from collapsing onto one output",
  source: 'docs/techniques.md#moment-matching',
  rescuable: true,
  apply: enable('techniques.momentMatching.enabled'),
};
const lowerDLearningRate: RemedySpec = {
  technique: 'optimizers.d.lr',
  text: "Lower D's learning rate (alter the respective learning rates so that neither side overpowers the other)",
  source: 'docs/techniques.md#two-time-scale-update-rule',
  rescuable: true,
  apply: halve('optimizers.d.lr'),
};
const slowerGenerator: RemedySpec = {
  technique: 'optimizers.g.lr',
  text: 'Two time-scale update rule: a smaller step for G (e.g. G 1e-4, D 4e-4) so it does not jump between quick, imprecise solutions',
  source: 'docs/techniques.md#two-time-scale-update-rule',
  rescuable: true,
  apply: halve('optimizers.g.lr'),
};
const lowerLearningRates: RemedySpec = {
  technique: 'optimizers',
  text: 'Lower both learning rates (halve optimizers.g.lr and optimizers.d.lr) and watch the gradient norms',
  source: 'docs/techniques.md#optimizers',
  rescuable: true,
  apply: halve('optimizers.g.lr', 'optimizers.d.lr'),
};
const dDropout: RemedySpec = {
  technique: 'discriminator.dropout',
  text: 'Dropout in D (0.3-0.6): plenty of it keeps G from exploiting a weakness of D and D from overpowering G',
  source: 'docs/techniques.md#dropout',
  rescuable: false,
};
const fewerDFilters: RemedySpec = {
  technique: 'discriminator.baseFilters',
  text: 'Fewer D filters: constrain D; let G have more filters than D',
  source: 'docs/techniques.md#dcgan-architecture',
  rescuable: false,
};
const smallerKernel: RemedySpec = {
  technique: 'discriminator.kernelSize',
  text: 'A 3x3 kernel in D instead of 5x5',
  source: 'docs/techniques.md#dcgan-architecture',
  rescuable: false,
};
const noBatchNormInD: RemedySpec = {
  technique: 'discriminator.batchNorm',
  text: 'No batch normalization in D: with it D became too good and G got no gradient ("Balancing the GAN game", panel A)',
  source: 'docs/techniques.md#batch-normalization',
  rescuable: false,
};
const spectralNorm: RemedySpec = {
  technique: 'discriminator.spectralNorm',
  text: "Spectral normalization of D's weights greatly helps the stability of training",
  source: 'docs/techniques.md#spectral-normalization',
  rescuable: false,
};
const minibatchFeatures: RemedySpec = {
  technique: 'discriminator.minibatch',
  text: "Minibatch features in D ('mean_difference': x - mean(batch) as extra channels) let D reject a batch whose images all look the same",
  source: 'docs/techniques.md#minibatch-mean-difference',
  rescuable: false,
};
const gBatchNorm: RemedySpec = {
  technique: 'generator.batchNorm',
  text: 'Batch normalization in G helps a lot and makes training less sensitive to the initial weights',
  source: 'docs/techniques.md#batch-normalization',
  rescuable: false,
};

/**
 * Remedies per failure, in the order a rescue tries them (the first rescuable one not yet on).
 * Architecture changes (rescuable: false) need a fresh run; they are listed as advice.
 */
export const REMEDIES: Readonly<Record<DetectorName, readonly RemedySpec[]>> = {
  discriminatorOverpowering: [
    instanceNoise,
    labelSmoothing,
    marginBalance,
    adaptiveL2,
    labelFlipping,
    lowerDLearningRate,
    dDropout,
    fewerDFilters,
    smallerKernel,
    noBatchNormInD,
    spectralNorm,
  ],
  modeCollapse: [minibatchFeatures, momentMatching, labelFlipping, dDropout],
  oscillation: [dDropout, marginBalance, minibatchFeatures, slowerGenerator, instanceNoise],
  explodingGradients: [lowerLearningRates, adaptiveL2, spectralNorm, gBatchNorm],
  nonFinite: [lowerLearningRates, spectralNorm, adaptiveL2],
};

/** The remedies of a failure as they go into an event (without the apply function). */
export function remediesFor(detector: DetectorName): Remedy[] {
  return REMEDIES[detector].map(({ technique, text, source, rescuable }) => ({
    technique,
    text,
    source,
    rescuable,
  }));
}
