import { getKernel } from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

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
