import type { ModelEntry } from '../registry/model-registry.ts';

/** A model as /v1/models shows it: its card plus what the server knows (status, execution provider). */
export function modelView(e: ModelEntry) {
  return {
    name: e.name,
    status: e.status,
    ready: e.status === 'ready',
    executionProvider: e.provider ?? null,
    generation: e.generation,
    loadedAt: e.loadedAt ?? null,
    ...(e.error ? { error: e.error } : {}),
    ...(e.spec
      ? {
          latent: { size: e.spec.latentDim, distribution: e.spec.distribution },
          image: { height: e.spec.height, width: e.spec.width, channels: e.spec.channels },
          // A class-conditional model's classes, index = class id (ask for one by index or name).
          ...(e.spec.conditioning
            ? { classes: e.spec.conditioning.classes, classInput: e.spec.conditioning.inputName }
            : {}),
        }
      : {}),
    card: e.card ?? null,
  };
}

/** Open Inference Protocol (KServe v2) model metadata. */
export function v2ModelMetadata(e: ModelEntry) {
  return {
    name: e.name,
    versions: [String(e.generation)],
    platform: 'onnxruntime_onnx',
    inputs: e.spec
      ? [
          { name: e.spec.inputName, datatype: 'FP32', shape: [-1, e.spec.latentDim] },
          // A class-conditional model's class ids, one per latent (INT32 is accepted too).
          ...(e.spec.conditioning
            ? [{ name: e.spec.conditioning.inputName, datatype: 'INT64', shape: [-1] }]
            : []),
        ]
      : [],
    outputs: e.spec
      ? [
          {
            name: e.spec.outputName,
            datatype: 'FP32',
            shape: [-1, e.spec.height, e.spec.width, e.spec.channels],
          },
        ]
      : [],
  };
}
