import { onnx } from '../onnx/proto.ts';

const T = onnx.TensorProto.DataType;

/**
 * ONNX tensor element types and the Triton `DataType` names a config.pbtxt gives them (Triton's model_config.proto,
 * enum DataType). Complex numbers and the float8 kinds have no Triton type; a graph using them is refused.
 */
const ONNX_TO_TRITON: ReadonlyMap<number, string> = new Map([
  [T.BOOL, 'TYPE_BOOL'],
  [T.UINT8, 'TYPE_UINT8'],
  [T.UINT16, 'TYPE_UINT16'],
  [T.UINT32, 'TYPE_UINT32'],
  [T.UINT64, 'TYPE_UINT64'],
  [T.INT8, 'TYPE_INT8'],
  [T.INT16, 'TYPE_INT16'],
  [T.INT32, 'TYPE_INT32'],
  [T.INT64, 'TYPE_INT64'],
  [T.FLOAT16, 'TYPE_FP16'],
  [T.FLOAT, 'TYPE_FP32'],
  [T.DOUBLE, 'TYPE_FP64'],
  [T.STRING, 'TYPE_STRING'],
  [T.BFLOAT16, 'TYPE_BF16'],
]);

/** The Triton data type of an ONNX element type, or undefined when Triton has none. */
export function tritonDataType(onnxElemType: number): string | undefined {
  return ONNX_TO_TRITON.get(onnxElemType);
}

/** The ONNX name of an element type ('FLOAT', 'COMPLEX64'), for messages. */
export function onnxTypeName(onnxElemType: number): string {
  return (T as unknown as Record<number, string | undefined>)[onnxElemType] ?? `type ${onnxElemType}`;
}
