import type { TrainConfig } from '../config/schema.ts';

/**
 * Which techniques a config turns on, by their names in the GAN literature: what a run's meta.json
 * and an exported model card record, so two runs can be told apart at a glance.
 */
export function techniquesOn(config: TrainConfig): Record<string, boolean> {
  const t = config.techniques;
  const g = config.generator;
  const d = config.discriminator;
  const o = config.optimizers;
  return {
    momentMatching: t.momentMatching.enabled,
    marginBalance: t.marginBalance.enabled,
    adaptiveL2: t.adaptiveL2.enabled,
    instanceNoise: t.instanceNoise.enabled,
    oneSidedLabelSmoothing: t.labels.oneSidedSmoothing,
    labelFlipping: t.labels.flipProbability > 0,
    twoTimeScaleUpdate: o.g.lr !== o.d.lr || o.g.kind !== o.d.kind,
    dStepsPerG: config.dStepsPerG > 1,
    gStepsPerD: config.gStepsPerD > 1,
    mixedBatches: config.batchMode === 'mixed',
    frozenInference: config.frozenInference,
    batchNormG: g.batchNorm,
    batchNormD: d.batchNorm,
    dropoutG: g.kind === 'mlp' && g.dropout > 0,
    dropoutD: d.dropout > 0,
    spectralNormD: d.spectralNorm,
    minibatchMeanDifference: d.minibatch === 'mean_difference',
    minibatchStdDev: d.minibatch === 'stddev',
  };
}
