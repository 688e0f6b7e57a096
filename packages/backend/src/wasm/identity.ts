/**
 * Identity for the wasm backend without the copy: a new reference to the same memory, as the cpu
 * backend's Identity and every backend's Reshape do (tensor data is never written in place, so
 * sharing it is safe). The shipped kernel copies the whole tensor, and tfjs runs Identity for every
 * tensor the gradient tape saves: ~150 full copies per DCGAN step.
 */
import { Identity } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fasterKernel } from './faster-kernel.ts';

export const identityWasmConfig: KernelConfig = fasterKernel(Identity, ({ inputs, backend }) => {
  const { x } = inputs;
  if (x === undefined || x.dtype === 'string') return undefined;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
});
