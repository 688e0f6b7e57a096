export { RESUME_OVERRIDABLE, train, type RunStart, type TrainOptions, type TrainResult } from './train.ts';
export { openRun, type OpenRun, type OpenRunOptions } from './open-run.ts';
export { buildGan, classConditioning, createGanSetup, disposeGanSetup, type GanSetup } from './gan-setup.ts';
export { trainStep, type StepInput, type StepOutcome } from './train-step.ts';
export type { StepResult } from './step-telemetry.ts';
export { createOptimizer } from './optimizers.ts';
export { createRngStreams, restoreRngStreams, type RngStreams, type RngStreamsState } from './rng-streams.ts';
export { forward, forwardOutputs, modelVariables, type ModelVariables } from './forward.ts';
export { discriminatorPass, type DiscriminatorPass } from './discriminator-pass.ts';
export {
  sampleGridInputs,
  sampleGridLayout,
  type SampleGridInputs,
  type SampleGridLayout,
} from './sample-grid-inputs.ts';
export { createProgressReporter, type ProgressOptions, type ProgressReporter } from './progress.ts';
export {
  formatStepProfile,
  profileTraining,
  type KernelTime,
  type ProfileOptions,
  type StepProfile,
} from './profile.ts';
