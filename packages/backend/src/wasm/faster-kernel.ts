/**
 * How ganforge's wasm kernels take over from tfjs-backend-wasm's: each tries its fast path and hands
 * anything it does not cover (a dtype, a layout, a broadcast) back to the kernel tfjs ships.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm'; // registers the shipped kernels the faster ones fall back to
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

const BACKEND = 'wasm';

/** What a kernel function receives, with the backend typed. */
export interface KernelArgs {
  readonly inputs: NamedTensorInfoMap;
  readonly backend: KernelBackend;
  readonly attrs: NamedAttrMap;
}

/**
 * The kernel tfjs-backend-wasm registers for `kernelName`, read when this module loads (before
 * ganforge registers its own over it).
 */
export function shippedKernel(kernelName: string): KernelConfig | undefined {
  return getKernel(kernelName, BACKEND);
}

/**
 * A wasm kernel that tries `fast` first and runs `fallback` (by default the kernel tfjs-backend-wasm
 * ships) when `fast` returns undefined (a dtype, layout or broadcast it does not cover). The
 * fallback's setupFunc is kept, so its wasm bindings exist.
 */
export function fasterKernel(
  kernelName: string,
  fast: (args: KernelArgs) => TensorInfo | TensorInfo[] | undefined,
  fallback: KernelConfig | undefined = shippedKernel(kernelName),
): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const out = fast({
      inputs: args.inputs,
      backend: args.backend as KernelBackend,
      attrs: args.attrs ?? {},
    });
    if (out !== undefined) return out;
    if (fallback === undefined) throw new Error(`wasm ${kernelName}: no shipped kernel for this input`);
    return fallback.kernelFunc(args);
  };
  return {
    kernelName,
    backendName: BACKEND,
    kernelFunc,
    ...(fallback?.setupFunc === undefined ? {} : { setupFunc: fallback.setupFunc }),
  };
}
