export { convertToOnnx, SUPPORTED_OPSETS, IR_VERSION, BATCH_DIM } from './convert/to-onnx.ts';
export type { ConvertOptions, ConvertedModel, Opset } from './convert/to-onnx.ts';
export { encodeModel, decodeModel, floatAttr, intAttr, floatTensor, floatValueInfo } from './onnx/proto.ts';
export { foldBatchNorms } from './onnx/fold-batch-norm.ts';
export { checkParity, maxAbsDiff, predictTfjs, DEFAULT_TOLERANCE } from './parity/check.ts';
export type { ParityReport, ParityRequest } from './parity/check.ts';
export { RUNTIMES, feedsOf, runOrtNode, runOrtWeb, ortWebDistDir } from './parity/runtimes.ts';
export type { RunRequest as OrtRunRequest, RuntimeName } from './parity/runtimes.ts';
export { buildCard, CARD_METADATA_KEY, GANFORGE_VERSION } from './card/build-card.ts';
export type { ModelProvenance, Network } from './card/build-card.ts';
export { writeModelDir, prepareModelDir, MODEL_FILE, CARD_FILE } from './write/atomic-model-dir.ts';
export { exportNetwork, parityInput, IO_NAMES } from './export-model.ts';
export type { ExportSettings, LoadedNetwork, ExportResult } from './export-model.ts';
export { loadNetwork, configSummary } from './load/from-run.ts';
export { runExport, resolveOut, describeExport } from './run-export.ts';
export type { ExportCommandOptions } from './run-export.ts';
export {
  buildTritonConfig,
  resolveMaxBatch,
  DEFAULT_QUEUE_DELAY_US,
  DEFAULT_TRITON_MAX_BATCH,
  MAX_TRITON_BATCH,
  TRITON_PLATFORM,
} from './triton/model-config.ts';
export type {
  InstanceKind,
  MaxBatchSource,
  TritonConfigOptions,
  TritonModelConfig,
  TritonTensorConfig,
} from './triton/model-config.ts';
export { formatConfigPbtxt } from './triton/config-pbtxt.ts';
export {
  parseConfigPbtxt,
  assertConfigRoundTrip,
  modelConfigType,
  MODEL_CONFIG_PROTO,
} from './triton/model-config-proto.ts';
export { readOnnxSignature } from './triton/onnx-signature.ts';
export type { OnnxDim, OnnxSignature, OnnxTensorSignature } from './triton/onnx-signature.ts';
export { readSourceModels } from './triton/model-folders.ts';
export type { SourceModel } from './triton/model-folders.ts';
export { CONFIG_FILE, VERSION_DIR } from './triton/repository.ts';
export { writeTritonRepository, describeTriton, checkTritonTarget } from './triton/run-triton.ts';
export type { TritonCommandOptions, TritonEntry, TritonRepositoryResult } from './triton/run-triton.ts';
