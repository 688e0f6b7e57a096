/**
 * The custom tfjs layers ganforge's networks use, registered for deserialization on import: a run's
 * checkpoints can only be loaded with them. The exporter folds or converts each (docs/architecture.md).
 */
export {
  SpectralNormalization,
  spectralNormalization,
  isSpectralNormalization,
  type SpectralNormalizationArgs,
  type SpectralNormInner,
} from './spectral-norm.ts';
export { MinibatchStdDev } from './minibatch-std-dev.ts';
export { MinibatchMeanDifference } from './minibatch-mean-difference.ts';
