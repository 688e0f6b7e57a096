/**
 * @ganforge/runs: the run folder `ganforge train` writes and everything else reads (export, eval, the
 * report): its layout, meta.json, config.json (the readers' view), metrics.jsonl and events.jsonl,
 * checkpoints (validated state.json, networks, optimizers), sample grids, the custom layers a checkpoint
 * needs, and loading a run's generator. Writes are atomic (temp + rename).
 */
export { removeStaleSiblings, writeDirAtomic, writeFileAtomic } from './atomic.ts';
export { parseJsonl } from './jsonl.ts';
export {
  assertRunDir,
  createRunDir,
  isRunDir,
  listSampleGrids,
  parseStepName,
  removeStaleTemporaries,
  RUN_EVAL_DIR,
  RUN_FILES,
  stepName,
  type SampleGridFile,
} from './run-dir.ts';
export { lossesFinite, TIMING_METRICS, type StepMetrics } from './step-metrics.ts';
export { appendMetrics, lastMetricsStep, readMetrics, truncateMetrics } from './metrics-log.ts';
export type { DetectorName, FailureEvent, Remedy, Severity } from './failure-event.ts';
export {
  appendEvent,
  countLogLines,
  EVENTS_FILE,
  formatEvent,
  formatEvidence,
  readEvents,
  RESCUES_FILE,
  truncateLogLines,
} from './events-log.ts';
export { fmt } from './format-number.ts';
export { readRunMeta, runCommands, writeRunMeta, type RunMeta, type RunResume, type RunStatus } from './meta.ts';
export { LatentConfigSchema, type LatentConfig } from './latent.ts';
export { readRunConfig, readRunConfigView, RunConfigViewSchema, type RunConfigView } from './run-config.ts';
export { loadLayersModel, saveLayersModel, MODEL_JSON, WEIGHTS_BIN } from './model-files.ts';
export {
  CHECKPOINT_FILES,
  CheckpointStateSchema,
  listCheckpoints,
  loadCheckpoint,
  locateCheckpoint,
  readCheckpointDiagnostics,
  readCheckpointState,
  restoreOptimizers,
  writeCheckpoint,
  type CheckpointContents,
  type CheckpointLocation,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint.ts';
export { loadGenerator, type LoadedGenerator } from './load-generator.ts';
export { G_CLASS_EMBEDDING, generatorClassInput, type GeneratorClassInput } from './class-input.ts';
export { generateImages, writeSampleGrid, type SampleGridOptions } from './samples.ts';
export * from './layers/index.ts';
