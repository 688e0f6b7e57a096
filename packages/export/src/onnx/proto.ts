// onnx-proto is CommonJS (`module.exports = $root`), so the `onnx` namespace is reached through the default import.
import onnxProto from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

export const onnx: typeof OnnxNamespace = onnxProto.onnx;
export type ModelProto = OnnxNamespace.ModelProto;
export type IModelProto = OnnxNamespace.IModelProto;
export type NodeProto = OnnxNamespace.INodeProto;
export type TensorProto = OnnxNamespace.ITensorProto;
export type AttributeProto = OnnxNamespace.IAttributeProto;
export type ValueInfoProto = OnnxNamespace.IValueInfoProto;

const AttributeType = onnx.AttributeProto.AttributeType;
const DataType = onnx.TensorProto.DataType;

/** A FLOAT attribute. ONNX reads an INT-typed 1 as a different attribute than a FLOAT 1.0, so the type is always set. */
export function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.FLOAT, f: value };
}

export function intAttr(name: string, value: number): AttributeProto {
  return { name, type: AttributeType.INT, i: value };
}

export function intsAttr(name: string, values: readonly number[]): AttributeProto {
  return { name, type: AttributeType.INTS, ints: [...values] };
}

/** A float32 initializer stored as little-endian raw_data. */
export function floatTensor(name: string, dims: readonly number[], values: Float32Array): TensorProto {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new Error(`initializer ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  }
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytes };
}

/** An int64 initializer (Reshape's shape input must be int64, not int32 or float). */
export function int64Tensor(name: string, values: readonly number[]): TensorProto {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: bytes };
}

/** A graph input/output of `elemType`; a string dim is a symbolic dim_param (the dynamic batch 'N'). */
function tensorValueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** A float32 graph input/output; a string dim is a symbolic dim_param (the dynamic batch 'N'). */
export function floatValueInfo(name: string, dims: readonly (number | string)[]): ValueInfoProto {
  return tensorValueInfo(name, DataType.FLOAT, dims);
}

/** An int64 graph input (the class indices of a conditional model). */
export function int64ValueInfo(name: string, dims: readonly (number | string)[]): ValueInfoProto {
  return tensorValueInfo(name, DataType.INT64, dims);
}

export function encodeModel(model: IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}
