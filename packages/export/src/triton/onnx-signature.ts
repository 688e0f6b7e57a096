import { GanforgeError } from '@ganforge/core';
import type { ValueInfoProto } from '../onnx/proto.ts';
import { decodeModel } from '../onnx/proto.ts';

/** One dimension of a graph input or output: a fixed size, or a symbolic/unknown (dynamic) one. */
export type OnnxDim = { readonly fixed: number } | { readonly dynamic: string };

/** A graph input or output as Triton needs it: name, ONNX element type, full shape (batch first). */
export interface OnnxTensorSignature {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly OnnxDim[];
}

export interface OnnxSignature {
  readonly inputs: readonly OnnxTensorSignature[];
  readonly outputs: readonly OnnxTensorSignature[];
}

type IntLike = number | { toString(): string } | null | undefined;

/** protobufjs decodes int64 fields as Long objects (or numbers); a safe integer either way. */
function toInt(v: IntLike): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v.toString());
  return Number.isSafeInteger(n) ? n : undefined;
}

function tensorOf(info: ValueInfoProto, where: string): OnnxTensorSignature {
  const name = info.name ?? '';
  const tensor = info.type?.tensorType;
  if (!name || !tensor) {
    throw new GanforgeError('triton_unsupported', `${where}: graph ${name || '(unnamed)'} is not a tensor`, {
      hint: 'Triton model configs describe tensor inputs and outputs only; re-export the model with `ganforge export`',
    });
  }
  const shape = tensor.shape?.dim;
  if (!shape) {
    throw new GanforgeError('triton_unsupported', `${where}: '${name}' has no shape (unknown rank)`, {
      hint: 're-export the model with `ganforge export`, which writes every shape',
    });
  }
  const dims = shape.map((d, i): OnnxDim => {
    const value = toInt(d.dimValue);
    if (d.dimParam) return { dynamic: d.dimParam };
    if (value !== undefined && value > 0) return { fixed: value };
    return { dynamic: `?${i}` };
  });
  return { name, elemType: tensor.elemType ?? 0, dims };
}

/**
 * The inputs and outputs of an ONNX model's graph, read with onnx-proto. Graph inputs that are initializers
 * (weights listed as inputs, allowed since IR 4) are not inputs a caller feeds, so they are left out.
 */
export function readOnnxSignature(bytes: Uint8Array, where = 'model.onnx'): OnnxSignature {
  let graph;
  try {
    graph = decodeModel(bytes).graph;
  } catch (e) {
    throw new GanforgeError('triton_bad_onnx', `${where} is not an ONNX model (${(e as Error).message})`, {
      hint: 're-export the model with `ganforge export`',
      cause: e,
    });
  }
  if (!graph) {
    throw new GanforgeError('triton_bad_onnx', `${where} has no graph`, {
      hint: 're-export the model with `ganforge export`',
    });
  }
  const weights = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((i) => !weights.has(i.name)).map((i) => tensorOf(i, where));
  const outputs = (graph.output ?? []).map((o) => tensorOf(o, where));
  if (inputs.length === 0 || outputs.length === 0) {
    throw new GanforgeError(
      'triton_bad_onnx',
      `${where} has no ${inputs.length === 0 ? 'inputs' : 'outputs'}`,
      {
        hint: 're-export the model with `ganforge export`',
      },
    );
  }
  return { inputs, outputs };
}
