export { createServer, type GanforgeServer, type ServeOptions } from './http/app.ts';
export { SERVE_SETTINGS, type NumericSetting, type NumericSettingName } from './settings.ts';
export { BatchScheduler, type BatchingOptions } from './engine/batch-scheduler.ts';
export { ortReason } from './engine/ort-reason.mjs';
export {
  WorkerPool,
  type DeviceChoice,
  type ExecutionProvider,
  type ModelSource,
} from './engine/worker-pool.ts';
export {
  ModelRegistry,
  type ModelEntry,
  type ModelFiles,
  type ModelStatus,
} from './registry/model-registry.ts';
export { specFromCard, type ModelSpec } from './registry/model-spec.ts';
export { servingLimits, type ModelLimits, type ServerLimits } from './registry/serving-limits.ts';
export { encodeGrid, encodeAnimation, type ImageBatch } from './render/images.ts';
export { encodeNpy } from './render/npy.ts';
export { sampleGrid, type SampleGridOptions } from './offline/sample-grid.ts';
export { openInferenceClient, type OpenInferenceClient } from './grpc/client.ts';
export {
  OPEN_INFERENCE_GRPC_PROTO,
  type InferInputTensor,
  type InferOutputTensor,
  type InferParameter,
  type InferTensorContents,
  type ModelInferRequest,
  type ModelInferResponse,
} from './grpc/proto.ts';
