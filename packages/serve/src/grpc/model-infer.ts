import { endianness } from 'node:os';
import { GanforgeError } from '@ganforge/core';
import { generate, readyModel, type ServeContext } from '../http/context.ts';
import { parseOrThrow } from '../http/errors.ts';
import {
  checkV2Classes,
  checkV2Latents,
  checkV2Outputs,
  v2InputHeads,
  v2OutputTensor,
} from '../http/v2-infer.ts';
import type { InferParameter, InferTensorContents, ModelInferRequest, ModelInferResponse } from './proto.ts';

/** Ends when the call is answered or cancelled: admission holds the call's samples until then. */
export interface CallEnd {
  once(event: 'close', listener: () => void): unknown;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** Every typed contents field: a tensor's values are in the one of its datatype, the others left empty. */
const CONTENTS = [
  'fp32_contents',
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
  return !!c && CONTENTS.some((k) => (c[k]?.length ?? 0) > 0);
}

/** The contents field of each datatype an input may have (FP32 latents; INT64 or INT32 class ids). */
const CONTENTS_OF = { FP32: 'fp32_contents', INT64: 'int64_contents', INT32: 'int_contents' } as const;

/** The values of input `i`'s typed contents, in the field of its datatype (the others must be empty). */
function typedValues(req: ModelInferRequest, i: number, datatype: keyof typeof CONTENTS_OF): number[] {
  const contents = req.inputs[i]!.contents;
  const own = CONTENTS_OF[datatype];
  const other = CONTENTS.find((k) => k !== own && (contents?.[k]?.length ?? 0) > 0);
  if (other)
    throw invalid(
      `inputs[${i}].contents.${other}: an ${datatype} tensor's values go in ${own} (or raw_input_contents)`,
    );
  return (contents?.[own] as number[] | undefined) ?? [];
}

/** The latents of input `i`'s `contents.fp32_contents`. */
function fp32Latents(req: ModelInferRequest, i: number, n: number, d: number): Float32Array {
  const values = typedValues(req, i, 'FP32');
  checkV2Latents(values, n, d, `inputs[${i}].contents.fp32_contents`);
  return Float32Array.from(values);
}

/** The bytes of input `i` in `raw_input_contents` (one entry per input, contents then empty). */
function rawBytes(req: ModelInferRequest, i: number): Uint8Array {
  const raw = req.raw_input_contents ?? [];
  if (raw.length !== req.inputs.length)
    throw invalid(
      `raw_input_contents: expected ${req.inputs.length} entry (one per input), got ${raw.length}`,
    );
  if (hasValues(req.inputs[i]!.contents))
    throw invalid(`inputs[${i}].contents: must be empty when the values are in raw_input_contents`);
  return raw[i]!;
}

/** The latents of input `i`'s `raw_input_contents`: little-endian float32 bytes, row-major. */
function rawLatents(req: ModelInferRequest, i: number, n: number, d: number): Float32Array {
  const bytes = rawBytes(req, i);
  if (bytes.byteLength % 4 !== 0)
    throw invalid(
      `raw_input_contents[${i}]: ${bytes.byteLength} bytes is not a whole number of FP32 values (4 bytes each)`,
    );
  const values = new Float32Array(bytes.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(values.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  }
  checkV2Latents(values, n, d, `raw_input_contents[${i}]`);
  return values;
}

/** The class ids of input `i`'s `raw_input_contents`: little-endian int64 (or int32) values. */
function rawClassIds(req: ModelInferRequest, i: number, datatype: 'INT64' | 'INT32'): number[] {
  const bytes = rawBytes(req, i);
  const width = datatype === 'INT64' ? 8 : 4;
  if (bytes.byteLength % width !== 0)
    throw invalid(
      `raw_input_contents[${i}]: ${bytes.byteLength} bytes is not a whole number of ${datatype} values (${width} bytes each)`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Array<number>(bytes.byteLength / width);
  for (let k = 0; k < out.length; k++)
    out[k] = width === 8 ? Number(view.getBigInt64(k * 8, true)) : view.getInt32(k * 4, true);
  return out;
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
 * `raw_input_contents` (what Triton and KServe clients send), a class-conditional model's class ids as
 * `contents.int64_contents` (INT64) or `int_contents` (INT32) or raw; the images go back the same way:
 * `raw_output_contents` when the request used raw inputs, else `contents.fp32_contents`.
 */
export async function modelInfer(
  ctx: ServeContext,
  req: ModelInferRequest,
  end: CallEnd,
): Promise<ModelInferResponse> {
  const e = readyModel(ctx, req.model_name);
  const body = parseOrThrow(ctx.schemas.v2Infer, restBody(req));
  const { latent, classes, n } = v2InputHeads(ctx, e, body.inputs);
  ctx.admission.admit(n, end);
  const raw = (req.raw_input_contents?.length ?? 0) > 0;
  const d = e.spec.latentDim;
  const latents = raw ? rawLatents(req, latent.index, n, d) : fp32Latents(req, latent.index, n, d);
  let ids: Int32Array | undefined;
  if (classes) {
    const i = classes.index;
    const datatype = classes.tensor.datatype === 'INT32' ? 'INT32' : 'INT64';
    const values = raw ? rawClassIds(req, i, datatype) : typedValues(req, i, datatype);
    const where = raw ? `raw_input_contents[${i}]` : `inputs[${i}].contents.${CONTENTS_OF[datatype]}`;
    ids = checkV2Classes(e, values, n, where);
  }
  checkV2Outputs(e, body.outputs);
  const batch = await generate(ctx, e, latents, n, ids);
  const tensor = v2OutputTensor(e, batch);
  return {
    model_name: e.name,
    model_version: String(e.generation),
    id: req.id ?? '',
    outputs: [raw ? tensor : { ...tensor, contents: { fp32_contents: Array.from(batch.data) } }],
    raw_output_contents: raw ? [littleEndianBytes(batch.data)] : [],
  };
}
