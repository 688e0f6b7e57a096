/**
 * Direct access to tensors on the wasm heap, for kernels whose work is moving data (Tile, the phase
 * interleave of a transposed convolution, Slice): tfjs-backend-wasm 4.22 does these in a generic
 * per-element C++ loop that recomputes a multi-dimensional index for every element (about 20-50 ns
 * each); a JavaScript loop or `copyWithin` over a view of the same memory runs at memcpy speed.
 *
 * A view is only valid until the heap next grows (growing detaches the old ArrayBuffer), so take
 * views right after allocating the output and do not allocate while holding them.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm'; // registers the shipped kernels the faster ones fall back to
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type {
  DataType,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
  TypedArray,
} from '@tensorflow/tfjs-core';

const BACKEND = 'wasm';

/** What a kernel function receives, with the backend typed. */
export interface KernelArgs {
  readonly inputs: NamedTensorInfoMap;
  readonly backend: KernelBackend;
  readonly attrs: NamedAttrMap;
}

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

export function sizeOf(shape: readonly number[]): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/**
 * A wasm kernel that tries `fast` first and runs the kernel tfjs-backend-wasm ships when `fast`
 * returns undefined (a dtype, layout or broadcast it does not cover). The shipped kernel's
 * setupFunc is kept, so its wasm bindings exist for the fallback.
 */
export function fasterKernel(
  kernelName: string,
  fast: (args: KernelArgs) => TensorInfo | TensorInfo[] | undefined,
): KernelConfig {
  const shipped = getKernel(kernelName, BACKEND);
  const kernelFunc: KernelFunc = (args) => {
    const out = fast({
      inputs: args.inputs,
      backend: args.backend as KernelBackend,
      attrs: args.attrs ?? {},
    });
    if (out !== undefined) return out;
    if (shipped === undefined) throw new Error(`wasm ${kernelName}: no shipped kernel for this input`);
    return shipped.kernelFunc(args);
  };
  return {
    kernelName,
    backendName: BACKEND,
    kernelFunc,
    ...(shipped?.setupFunc === undefined ? {} : { setupFunc: shipped.setupFunc }),
  };
}
