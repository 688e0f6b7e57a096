import { GanforgeError, isValidModelName } from '@ganforge/core';
import type { ModelCard } from '@ganforge/core';
import { onnxTypeName, tritonDataType } from './data-types.ts';
import type { OnnxSignature, OnnxTensorSignature } from './onnx-signature.ts';

/** Triton's platform name for ONNX models run by its onnxruntime backend. */
export const TRITON_PLATFORM = 'onnxruntime_onnx';
/** max_batch_size when neither the card (serving.maxBatch) nor the caller says otherwise; the server's default too. */
export const DEFAULT_TRITON_MAX_BATCH = 64;
/** dynamic_batching's max_queue_delay_microseconds unless the caller says otherwise. */
export const DEFAULT_QUEUE_DELAY_US = 100;
/** The largest max_batch_size accepted (Triton's field is an int32; beyond this a generator batch is no use). */
export const MAX_TRITON_BATCH = 65_536;

export type InstanceKind = 'KIND_AUTO' | 'KIND_CPU' | 'KIND_GPU';

/** One input or output of a config.pbtxt: dims exclude the batch dimension (-1 = variable). */
export interface TritonTensorConfig {
  readonly name: string;
  readonly data_type: string;
  readonly dims: readonly number[];
  /**
   * Set for a tensor that is only the batch dimension (a conditional generator's class ids, [N]): Triton wants it
   * as dims [1] reshaped to [] for the model, its documented form for a batched scalar.
   */
  readonly reshape?: { readonly shape: readonly number[] };
}

/**
 * The fields of Triton's ModelConfig message (model_config.proto) that ganforge writes, named as the proto names
 * them, so the object reads like the config.pbtxt and compares directly with one parsed back.
 */
export interface TritonModelConfig {
  readonly name: string;
  readonly platform: string;
  readonly max_batch_size: number;
  readonly input: readonly TritonTensorConfig[];
  readonly output: readonly TritonTensorConfig[];
  readonly dynamic_batching: { readonly max_queue_delay_microseconds: number };
  readonly instance_group?: readonly { readonly count: number; readonly kind: InstanceKind }[];
}

export interface TritonConfigOptions {
  /** The largest batch Triton may form; capped by the card's serving.maxBatch. */
  readonly maxBatch?: number;
  /** How long Triton's dynamic batcher may hold a request to fill a batch. */
  readonly queueDelayUs?: number;
  /** instance_group: how many copies of the model, on which kind of device (omitted: Triton's default). */
  readonly instances?: { readonly count: number; readonly kind: InstanceKind };
}

/** Where max_batch_size came from, for the command's summary. */
export type MaxBatchSource = 'default' | 'card' | 'option' | 'option capped by card';

/**
 * max_batch_size: the caller's value, else the card's serving.maxBatch, else 64. A card's serving.maxBatch is a
 * cap the model asks for (packages/core's card schema: "a cap, never a raise"), so a larger option is lowered to it.
 */
export function resolveMaxBatch(
  card: ModelCard,
  requested?: number,
): { value: number; source: MaxBatchSource } {
  const cap = card.serving?.maxBatch;
  if (requested === undefined) {
    return cap === undefined
      ? { value: DEFAULT_TRITON_MAX_BATCH, source: 'default' }
      : { value: cap, source: 'card' };
  }
  if (!Number.isSafeInteger(requested) || requested < 1 || requested > MAX_TRITON_BATCH) {
    throw new GanforgeError(
      'usage',
      `max batch must be a whole number from 1 to ${MAX_TRITON_BATCH}, got ${requested}`,
    );
  }
  if (cap !== undefined && cap < requested) return { value: cap, source: 'option capped by card' };
  return { value: requested, source: 'option' };
}

function tensorConfig(model: string, t: OnnxTensorSignature): TritonTensorConfig {
  const dataType = tritonDataType(t.elemType);
  if (dataType === undefined) {
    throw new GanforgeError(
      'triton_unsupported',
      `model '${model}': '${t.name}' has element type ${onnxTypeName(t.elemType)}, which Triton has no data type for`,
      { hint: 'export the model with float32 inputs and outputs' },
    );
  }
  const [batch, ...rest] = t.dims;
  if (batch === undefined || 'fixed' in batch) {
    const shape = t.dims.map((d) => ('fixed' in d ? d.fixed : d.dynamic)).join(', ');
    throw new GanforgeError(
      'triton_no_batch_dim',
      `model '${model}': '${t.name}' has shape [${shape}], whose first dimension is not a dynamic batch dimension`,
      {
        hint: 'Triton batches requests along a dynamic first dimension; re-export the model with `ganforge export`, which makes it the symbolic N',
      },
    );
  }
  if (rest.length === 0) return { name: t.name, data_type: dataType, dims: [1], reshape: { shape: [] } };
  return { name: t.name, data_type: dataType, dims: rest.map((d) => ('fixed' in d ? d.fixed : -1)) };
}

/** Refuses a name that is not one folder name under models/ (core's model-name rule); Triton uses it as a folder. */
export function assertTritonModelName(name: string): void {
  if (!isValidModelName(name)) {
    throw new GanforgeError(
      'triton_bad_name',
      `'${name}' is not a valid model name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters)`,
      { hint: 'rename the model folder' },
    );
  }
}

/**
 * The Triton model configuration of one exported model: platform onnxruntime_onnx, every graph input and output
 * with its Triton data type and its dims without the batch dimension (Triton's convention when max_batch_size > 0),
 * and dynamic batching. Refuses a graph whose inputs or outputs lack a dynamic first (batch) dimension, and a card
 * whose input/output names are not the graph's.
 */
export function buildTritonConfig(
  name: string,
  signature: OnnxSignature,
  card: ModelCard,
  options: TritonConfigOptions = {},
): { config: TritonModelConfig; maxBatchSource: MaxBatchSource } {
  assertTritonModelName(name);
  const inputNames = signature.inputs.map((t) => t.name);
  const outputNames = signature.outputs.map((t) => t.name);
  if (!inputNames.includes(card.onnx.inputName) || !outputNames.includes(card.onnx.outputName)) {
    throw new GanforgeError(
      'triton_card_mismatch',
      `model '${name}': its card names input '${card.onnx.inputName}' and output '${card.onnx.outputName}', but the ONNX graph has inputs [${inputNames.join(', ')}] and outputs [${outputNames.join(', ')}]`,
      { hint: 're-export the model with `ganforge export` so card.json and model.onnx match' },
    );
  }
  const maxBatch = resolveMaxBatch(card, options.maxBatch);
  const delay = options.queueDelayUs ?? DEFAULT_QUEUE_DELAY_US;
  if (!Number.isSafeInteger(delay) || delay < 0) {
    throw new GanforgeError('usage', `queue delay must be a whole number of microseconds >= 0, got ${delay}`);
  }
  const config: TritonModelConfig = {
    name,
    platform: TRITON_PLATFORM,
    max_batch_size: maxBatch.value,
    input: signature.inputs.map((t) => tensorConfig(name, t)),
    output: signature.outputs.map((t) => tensorConfig(name, t)),
    dynamic_batching: { max_queue_delay_microseconds: delay },
    ...(options.instances ? { instance_group: [{ ...options.instances }] } : {}),
  };
  return { config, maxBatchSource: maxBatch.source };
}
