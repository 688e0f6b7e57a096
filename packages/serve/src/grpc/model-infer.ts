import { endianness } from 'node:os';
import { GanforgeError } from '@ganforge/core';
import { generate, readyModel, type ServeContext } from '../http/context.ts';
import { parseOrThrow } from '../http/errors.ts';
import { checkV2Latents, checkV2Outputs, v2InputRows, v2OutputTensor } from '../http/v2-infer.ts';
import type { InferParameter, InferTensorContents, ModelInferRequest, ModelInferResponse } from './proto.ts';

/** Ends when the call is answered or cancelled: admission holds the call's samples until then. */
export interface CallEnd {
  once(event: 'close', listener: () => void): unknown;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Typed contents other than FP32's: an FP32 latent tensor must leave them empty. */
const OTHER_CONTENTS = [
  'bool_contents',
  'int_contents',
  'int64_contents',
  'uint_contents',
  'uint64_contents',
  'fp64_contents',
  'bytes_contents',
] as const satisfies readonly (keyof InferTensorContents)[];

function invalid(message: string): GanforgeError {
  return new GanforgeError('invalid_request', message, { status: 400 });
}

/** A parameters map as REST's JSON has it ({name: value}); undefined when empty. */
function plainParameters(p: Record<string, InferParameter> | undefined): Record<string, unknown> | undefined {
  const entries = Object.entries(p ?? {});
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, v.parameter_choice ? v[v.parameter_choice] : null]));
}

const withParameters = (p: Record<string, InferParameter> | undefined) => {
  const parameters = plainParameters(p);
  return parameters ? { parameters } : {};
};

/**
 * The REST body of the same request, without the numbers (checked apart, wherever they are): run through
 * REST's schema, it gets REST's answers for the tensor count, datatype, shape values and ids.
 */
function restBody(req: ModelInferRequest): unknown {
  return {
    ...(req.id ? { id: req.id } : {}),
    ...withParameters(req.parameters),
    inputs: req.inputs.map((t) => ({
      name: t.name,
      shape: t.shape,
      datatype: t.datatype,
      ...withParameters(t.parameters),
      data: [],
    })),
    ...(req.outputs?.length
      ? { outputs: req.outputs.map((o) => ({ name: o.name, ...withParameters(o.parameters) })) }
      : {}),
  };
}

function hasValues(c: InferTensorContents | null | undefined): boolean {
  return !!c && (['fp32_contents', ...OTHER_CONTENTS] as const).some((k) => (c[k]?.length ?? 0) > 0);
}

/** The latents of `contents.fp32_contents`. */
function fp32Latents(contents: InferTensorContents | null | undefined, n: number, d: number): Float32Array {
  const other = OTHER_CONTENTS.find((k) => (contents?.[k]?.length ?? 0) > 0);
  if (other)
    throw invalid(
      `inputs[0].contents.${other}: an FP32 tensor's values go in fp32_contents (or raw_input_contents)`,
    );
  const values = contents?.fp32_contents ?? [];
  checkV2Latents(values, n, d, 'inputs[0].contents.fp32_contents');
  return Float32Array.from(values);
}

/** The latents of `raw_input_contents[0]`: little-endian float32 bytes, row-major. */
function rawLatents(req: ModelInferRequest, n: number, d: number): Float32Array {
  const raw = req.raw_input_contents ?? [];
  if (raw.length !== req.inputs.length)
    throw invalid(
      `raw_input_contents: expected ${req.inputs.length} entry (one per input), got ${raw.length}`,
    );
  if (hasValues(req.inputs[0]!.contents))
    throw invalid('inputs[0].contents: must be empty when the values are in raw_input_contents');
  const bytes = raw[0]!;
  if (bytes.byteLength % 4 !== 0)
    throw invalid(
      `raw_input_contents[0]: ${bytes.byteLength} bytes is not a whole number of FP32 values (4 bytes each)`,
    );
  const values = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  }
  checkV2Latents(values, n, d, 'raw_input_contents[0]');
  return values;
}

/** `data` as little-endian bytes (a view on it where the machine is little-endian). */
function littleEndianBytes(data: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out = Buffer.alloc(data.byteLength);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, i * 4);
  return out;
}

/**
 * ModelInfer: REST's /v2/models/<m>/infer on a protobuf request, through the same checks (http/v2-infer.ts),
 * admission, batch scheduler and errors. The latents come as `contents.fp32_contents` or as
 * `raw_input_contents` (what Triton and KServe clients send); the images go back the same way:
 * `raw_output_contents` when the request used raw inputs, else `contents.fp32_contents`.
 */
export async function modelInfer(
  ctx: ServeContext,
  req: ModelInferRequest,
  end: CallEnd,
): Promise<ModelInferResponse> {
  const e = readyModel(ctx, req.model_name);
  const body = parseOrThrow(ctx.schemas.v2Infer, restBody(req));
  const n = v2InputRows(ctx, e, body.inputs[0]!);
  ctx.admission.admit(n, end);
  const raw = (req.raw_input_contents?.length ?? 0) > 0;
  const d = e.spec.latentDim;
  const latents = raw ? rawLatents(req, n, d) : fp32Latents(req.inputs[0]!.contents, n, d);
  checkV2Outputs(e, body.outputs);
  const batch = await generate(ctx, e, latents, n);
  const tensor = v2OutputTensor(e, batch);
  return {
    model_name: e.name,
    model_version: String(e.generation),
    id: req.id ?? '',
    outputs: [raw ? tensor : { ...tensor, contents: { fp32_contents: Array.from(batch.data) } }],
    raw_output_contents: raw ? [littleEndianBytes(batch.data)] : [],
  };
}
