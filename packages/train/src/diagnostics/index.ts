export * from './types.ts';
export * from './config.ts';
export { meanMatchedDistance, meanPairwiseDistance } from './diversity.ts';
export { autocorrelation, detrend, median } from './series.ts';
export { REMEDIES, remediesFor, valueAtPath, type ConfigChange, type RemedySpec } from './remedies.ts';
export * from './detectors/non-finite.ts';
export * from './detectors/exploding-gradients.ts';
export * from './detectors/discriminator-overpowering.ts';
export * from './detectors/mode-collapse.ts';
export * from './detectors/oscillation.ts';
export {
  createDiagnostics,
  initialDiagnosticsState,
  observeStep,
  type Diagnostics,
  type DiagnosticsState,
} from './monitor.ts';
export {
  decodeSupervisorState,
  encodeSupervisorState,
  readCheckpointSupervisorState,
  SUPERVISOR_STATE_VERSION,
  type SupervisorState,
} from './supervisor-state.ts';
export { readSampleGrid, untileGrid, type GridLayout } from './sample-grid.ts';
export {
  trainSupervised,
  type RescueRecord,
  type SupervisedResult,
  type SupervisedTrainOptions,
} from './supervise.ts';
export { planRescue, type RescueDecision, type RescueInput } from './rescue.ts';
export { replayDiagnostics, type ReplayOptions, type ReplayResult } from './replay.ts';
