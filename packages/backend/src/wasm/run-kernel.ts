import { getKernel } from '@tensorflow/tfjs-core';
import { allocate } from './heap.ts';
import type {
  DataType,
  KernelBackend,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

/**
 * Runs another kernel of the same backend from inside a kernel, the way tfjs backends compose
 * their own kernels: no op-level checks, no gradient tape, and the result is backend data owned
 * by the caller (free intermediates with `backend.disposeData(info.dataId)`).
 */
export function runBackendKernel(
  kernelName: string,
  backend: KernelBackend,
  backendName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap,
): TensorInfo {
  const kernel = getKernel(kernelName, backendName);
  if (kernel === undefined) {
    throw new Error(`kernel ${kernelName} is not registered for backend ${backendName}`);
  }
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  if (Array.isArray(out)) {
    const [first] = out;
    if (first === undefined || out.length !== 1)
      throw new Error(`kernel ${kernelName} returned ${out.length} outputs`);
    return first;
  }
  return out as TensorInfo;
}

/** What a composed kernel uses to make intermediates that `composed` frees afterwards. */
export interface Intermediates {
  /** Runs a kernel of the backend; its output is an intermediate. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs?: NamedAttrMap): TensorInfo;
  /** Writes values as an intermediate tensor. */
  write(values: Float32Array, shape: number[], dtype?: DataType): TensorInfo;
  /** An intermediate tensor on the wasm heap, uninitialized (fill it through heapView). */
  allocate(shape: number[], dtype?: DataType): TensorInfo;
  /** A float32 scalar intermediate. */
  scalar(value: number): TensorInfo;
}

/**
 * A wasm kernel built from other kernels of the backend: every tensor made through `t` is freed
 * when `body` returns (or throws), except the data of what it returns, which the caller owns.
 */
export function composed<T extends TensorInfo | TensorInfo[]>(
  backend: KernelBackend,
  backendName: string,
  body: (t: Intermediates) => T,
): T {
  const made: TensorInfo[] = [];
  const keep = (info: TensorInfo): TensorInfo => {
    made.push(info);
    return info;
  };
  const t: Intermediates = {
    run: (name, inputs, attrs = {}) => keep(runBackendKernel(name, backend, backendName, inputs, attrs)),
    write: (values, shape, dtype = 'float32') =>
      keep({ dataId: backend.write(values, shape, dtype), shape, dtype }),
    allocate: (shape, dtype = 'float32') => keep(allocate(backend, shape, dtype)),
    scalar: (value) => t.write(new Float32Array([value]), []),
  };
  let result: T | undefined;
  try {
    result = body(t);
    return result;
  } finally {
    const returned = new Set(
      (Array.isArray(result) ? result : result === undefined ? [] : [result]).map((r) => r.dataId),
    );
    for (const info of made) if (!returned.has(info.dataId)) backend.disposeData(info.dataId);
  }
}
