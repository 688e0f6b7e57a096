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
} from './runDir.ts';
export { appendMetrics, readMetrics, truncateMetrics } from './metricsLog.ts';
export {
  createRunMeta,
  readRunMeta,
  runCommands,
  writeRunMeta,
  type RunMeta,
  type RunResume,
  type RunStatus,
} from './meta.ts';
export { techniquesOn } from './techniques.ts';
export { loadLayersModel, saveLayersModel, MODEL_JSON, WEIGHTS_BIN } from './modelFiles.ts';
export {
  CHECKPOINT_FILES,
  listCheckpoints,
  loadCheckpoint,
  locateCheckpoint,
  readCheckpointDiagnostics,
  readCheckpointState,
  readRunConfig,
  readRunTrainConfig,
  restoreOptimizers,
  writeCheckpoint,
  type CheckpointContents,
  type CheckpointLocation,
  type CheckpointState,
  type LoadedCheckpoint,
} from './checkpoint.ts';
export { loadGenerator, type LoadedGenerator } from './loadGenerator.ts';
export { generateImages, writeSampleGrid } from './samples.ts';
