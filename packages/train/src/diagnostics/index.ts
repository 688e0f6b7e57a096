export * from './types.ts';
export * from './config.ts';
export { meanMatchedDistance, meanPairwiseDistance } from './diversity.ts';
export { autocorrelation, detrend, median } from './series.ts';
export { REMEDIES, remediesFor, valueAtPath, type ConfigChange, type RemedySpec } from './remedies.ts';
export * from './detectors/nonFinite.ts';
export * from './detectors/explodingGradients.ts';
export * from './detectors/discriminatorOverpowering.ts';
export * from './detectors/modeCollapse.ts';
export * from './detectors/oscillation.ts';
export {
  createDiagnostics,
  initialDiagnosticsState,
  observeStep,
  type Diagnostics,
  type DiagnosticsState,
} from './monitor.ts';
export {
  appendEvent,
  countLogLines,
  EVENTS_FILE,
  formatEvent,
  formatEvidence,
  readEvents,
  RESCUES_FILE,
  truncateLogLines,
} from './events.ts';
export {
  decodeSupervisorState,
  encodeSupervisorState,
  SUPERVISOR_STATE_VERSION,
  type SupervisorState,
} from './supervisorState.ts';
export { readSampleGrid, untileGrid, type GridLayout } from './sampleGrid.ts';
export {
  trainSupervised,
  type RescueRecord,
  type SupervisedResult,
  type SupervisedTrainOptions,
} from './supervise.ts';
export { planRescue, type RescueDecision, type RescueInput } from './rescue.ts';
export { replayDiagnostics, type ReplayOptions, type ReplayResult } from './replay.ts';
