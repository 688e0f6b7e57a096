import { endianness } from 'node:os';
import type { ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import { GanforgeError } from '@ganforge/core';
import type { ServeContext } from './context.ts';

/**
 * Triton's binary tensor data extension of the Open Inference Protocol's REST infer: a body that is a
 * JSON inference header of `Inference-Header-Content-Length` bytes followed by raw little-endian tensor
 * bytes. Inputs: `parameters.binary_data_size` (bytes) stands in for `data`. Outputs: with
 * `parameters.binary_data_output: true` on the request (or `binary_data: true` on the requested output)
 * the output tensor's bytes follow the response's JSON header, which gives their count in the output's
 * `parameters.binary_data_size`.
 */

export const INFERENCE_HEADER = 'inference-header-content-length';
const LITTLE_ENDIAN = endianness() === 'LE';
/** Room for the JSON inference header beside the tensor bytes a request may carry. */
const HEADER_ROOM = 64 * 1024;

function bad(message: string): GanforgeError {
  return new GanforgeError('invalid_request', message, { status: 400 });
}

/** Bytes per value, and how to read one little-endian value, of the datatypes an input may have. */
const DATATYPES: Record<string, { size: number; read: (b: Buffer, at: number) => number }> = {
  FP32: { size: 4, read: (b, at) => b.readFloatLE(at) },
  // A class-conditional model's class ids; beyond 2^53 a value is off, but no class id is that large.
  INT64: { size: 8, read: (b, at) => Number(b.readBigInt64LE(at)) },
  INT32: { size: 4, read: (b, at) => b.readInt32LE(at) },
};

/** The values of little-endian bytes of `datatype` (a key of DATATYPES). */
function valuesLE(bytes: Buffer, datatype: string): number[] {
  const { size, read } = DATATYPES[datatype]!;
  const out = new Array<number>(bytes.length / size);
  for (let i = 0; i < out.length; i++) out[i] = read(bytes, i * size);
  return out;
}

/** Little-endian bytes of float32 values (a view of them where the machine is little-endian). */
function bytesLE(data: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const b = Buffer.allocUnsafe(data.byteLength);
  for (let i = 0; i < data.length; i++) b.writeFloatLE(data[i]!, i * 4);
  return b;
}

/**
 * The JSON infer request of a binary body: its header parsed, each input's `binary_data_size` bytes read
 * (in input order) into its `data`, which the usual request checks then see.
 */
export function decodeBinaryInfer(raw: Buffer, headerLength: string): unknown {
  const n = /^\d{1,10}$/.test(headerLength) ? Number(headerLength) : NaN;
  if (!(n >= 0 && n <= raw.length))
    throw bad(
      `${INFERENCE_HEADER}: expected 0..${raw.length} (the body's size), got '${headerLength.slice(0, 20)}'`,
    );
  let body: unknown;
  try {
    body = JSON.parse(raw.subarray(0, n).toString('utf8'));
  } catch (err) {
    throw bad(`the inference header is not valid JSON: ${(err as Error).message}`);
  }
  const inputs = (body as { inputs?: unknown } | null)?.inputs;
  let at = n;
  if (Array.isArray(inputs)) {
    for (const [i, input] of inputs.entries()) {
      const tensor = input as { datatype?: unknown; parameters?: { binary_data_size?: unknown } } | null;
      const size = tensor?.parameters?.binary_data_size;
      if (size === undefined) continue;
      const datatype =
        tensor?.datatype === 'INT64' || tensor?.datatype === 'INT32' ? tensor.datatype : 'FP32';
      const width = DATATYPES[datatype]!.size;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size % width !== 0)
        throw bad(
          `inputs[${i}].parameters.binary_data_size: expected a multiple of ${width} bytes (${datatype})`,
        );
      if ('data' in (input as object)) throw bad(`inputs[${i}]: both data and binary_data_size`);
      if (at + size > raw.length)
        throw bad(`inputs[${i}].parameters.binary_data_size: ${size} bytes, ${raw.length - at} left`);
      (input as { data: number[] }).data = valuesLE(raw.subarray(at, at + size), datatype);
      at += size;
    }
  }
  if (at !== raw.length) throw bad(`the body has ${raw.length - at} bytes after the tensors' binary data`);
  return body;
}

/**
 * Reads a binary infer body (an `Inference-Header-Content-Length` header and a non-JSON content type;
 * JSON bodies were parsed already) into `req.body`, up to the most latents the model takes as bytes.
 */
export function binaryInferBody(ctx: ServeContext): RequestHandler {
  const parsers = new Map<number, RequestHandler>();
  return (req, res, next) => {
    const header = req.headers[INFERENCE_HEADER];
    if (typeof header !== 'string' || req.body !== undefined) return next();
    const spec = ctx.registry.get(String(req.params.name))?.spec;
    if (!spec) return next(); // the route answers the unknown or not-ready model
    // The latents as FP32 and, for a class-conditional model, a class id per latent as INT64.
    const limit = ctx.maxFrames * (spec.latentDim * 4 + (spec.conditioning ? 8 : 0)) + HEADER_ROOM;
    let parse = parsers.get(limit);
    if (!parse) {
      parse = express.raw({ type: () => true, limit });
      parsers.set(limit, parse);
    }
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      try {
        req.body = decodeBinaryInfer(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), header);
        next();
      } catch (e) {
        next(e);
      }
    });
  };
}

interface V2Parameters {
  readonly parameters?: Record<string, unknown>;
  readonly outputs?: readonly { readonly name: string; readonly parameters?: Record<string, unknown> }[];
}

/** Whether the output `name` is asked for as binary data (its own `binary_data`, else the request's). */
export function wantsBinaryOutput(body: V2Parameters, name: string): boolean {
  const own = body.outputs?.find((o) => o.name === name)?.parameters?.binary_data;
  if (typeof own === 'boolean') return own;
  return body.parameters?.binary_data_output === true;
}

/** Sends an infer response whose one output tensor's data follows its JSON header as raw FP32 bytes. */
export function sendBinaryInfer(
  res: ServerResponse,
  head: Record<string, unknown> & { outputs: [Record<string, unknown>] },
  data: Float32Array,
): void {
  const bytes = bytesLE(data);
  const [out] = head.outputs;
  const params = (out.parameters as Record<string, unknown> | undefined) ?? {};
  const json = Buffer.from(
    JSON.stringify({
      ...head,
      outputs: [{ ...out, parameters: { ...params, binary_data_size: bytes.length } }],
    }),
  );
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Inference-Header-Content-Length', String(json.length));
  res.setHeader('Content-Length', String(json.length + bytes.length));
  res.end(Buffer.concat([json, bytes]));
}
