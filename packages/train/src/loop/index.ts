export {
  createGanSetup,
  RESUME_OVERRIDABLE,
  train,
  type RunStart,
  type TrainOptions,
  type TrainResult,
} from './train.ts';
export {
  trainStep,
  type ControllerState,
  type GanSetup,
  type StepInput,
  type StepOutcome,
} from './trainStep.ts';
export { lossesFinite, TIMING_METRICS, type StepMetrics } from './metrics.ts';
export { createOptimizer } from './optimizers.ts';
export { createRngStreams, restoreRngStreams, type RngStreams, type RngStreamsState } from './rngStreams.ts';
export { forward, modelVariables, type ModelVariables } from './forward.ts';
export { createProgressReporter, type ProgressOptions, type ProgressReporter } from './progress.ts';
export {
  formatStepProfile,
  profileTraining,
  type KernelTime,
  type ProfileOptions,
  type StepProfile,
} from './profile.ts';
