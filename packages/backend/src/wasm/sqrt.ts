/**
 * Sqrt for the wasm backend as a JavaScript loop over the heap (Math.sqrt rounded to float32 is the
 * correctly rounded float32 square root, as the cpu backend computes it). The shipped kernel takes
 * ~12 ns per element; Adam takes a square root of every weight's second moment every step.
 */
import { Sqrt } from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { fasterKernel } from './faster-kernel.ts';
import { allocate, heapView } from './heap.ts';

export const sqrtWasmConfig: KernelConfig = fasterKernel(Sqrt, ({ inputs, backend }) => {
  const { x } = inputs;
  if (x === undefined || x.dtype !== 'float32') return undefined;
  const out = allocate(backend, x.shape, 'float32');
  const src = heapView(backend, x) as Float32Array;
  const dst = heapView(backend, out) as Float32Array;
  for (let i = 0; i < src.length; i++) dst[i] = Math.sqrt(src[i] as number);
  return out;
});
