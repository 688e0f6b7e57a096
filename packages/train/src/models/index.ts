export * from './config.ts';
export { buildGenerator, BN_EPSILON, BN_MOMENTUM, type GeneratorOptions } from './generator.ts';
export {
  buildDiscriminator,
  discriminatorFeatures,
  LOGIT_LAYER,
  type DiscriminatorOptions,
} from './discriminator.ts';
export { INIT_STDDEV } from './init.ts';
export { LEAKY_ALPHA } from './activation.ts';
export { dcganPlan, type DcganPlan } from './shapes.ts';
export {
  SpectralNormalization,
  spectralNormalization,
  isSpectralNormalization,
  type SpectralNormalizationArgs,
  type SpectralNormInner,
} from './layers/spectralNorm.ts';
export { MinibatchStdDev } from './layers/minibatchStdDev.ts';
export { MinibatchMeanDifference } from './layers/minibatchMeanDifference.ts';
