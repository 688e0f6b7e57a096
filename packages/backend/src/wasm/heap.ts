/**
 * Direct access to tensors on the wasm heap, for kernels whose work is moving data (Tile, the phase
 * interleave of a transposed convolution, im2col): tfjs-backend-wasm 4.22 does such moves in a generic
 * per-element C++ loop that recomputes a multi-dimensional index for every element (about 20-50 ns
 * each); a JavaScript loop or `copyWithin` over a view of the same memory runs at memcpy speed.
 *
 * A view is only valid until the heap next grows (growing detaches the old ArrayBuffer), so take
 * views right after allocating the output and do not allocate while holding them.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { DataType, KernelBackend, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';

export function asWasm(backend: KernelBackend): BackendWasm {
  return backend as unknown as BackendWasm;
}

/** A new, uninitialized output tensor on the wasm heap. */
export function allocate(backend: KernelBackend, shape: number[], dtype: DataType): TensorInfo {
  return asWasm(backend).makeOutput(shape, dtype);
}

/** A typed-array view of a tensor's memory on the wasm heap (no copy). */
export function heapView(backend: KernelBackend, info: TensorInfo): TypedArray {
  return asWasm(backend).typedArrayFromHeap(info);
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}
