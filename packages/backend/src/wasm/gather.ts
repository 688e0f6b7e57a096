/**
 * GatherV2 for the wasm backend, on the heap, for the common case (axis 0, no batch dims, int32
 * indices in range): each selected row is one `set` (memcpy). The shipped kernel computes a
 * multi-dimensional index per output element: a class embedding's lookup, [10, 6272] by 64 labels,
 * took ~16 ms; this takes microseconds. Anything else goes to the shipped kernel (which also raises
 * tfjs's error for an index out of range).
 */
import { GatherV2 } from '@tensorflow/tfjs-core';
import type { GatherV2Attrs, KernelConfig } from '@tensorflow/tfjs-core';
import { fasterKernel } from './faster-kernel.ts';
import { allocate, heapView } from './heap.ts';

export const gatherWasmConfig: KernelConfig = fasterKernel(GatherV2, ({ inputs, backend, attrs }) => {
  const { x, indices } = inputs;
  const { axis, batchDims } = attrs as unknown as GatherV2Attrs;
  if (x === undefined || indices === undefined) return undefined;
  if (x.dtype === 'string' || x.dtype === 'complex64' || indices.dtype !== 'int32') return undefined;
  if ((batchDims ?? 0) !== 0 || x.shape.length === 0) return undefined;
  const normalizedAxis = axis < 0 ? axis + x.shape.length : axis;
  if (normalizedAxis !== 0) return undefined;
  const ids = heapView(backend, indices);
  const rows = x.shape[0] as number;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (id < 0 || id >= rows) return undefined;
  }
  const inner = x.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = allocate(backend, [...indices.shape, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation: allocating may grow (and so detach) the heap.
  const xs = heapView(backend, x);
  const ix = heapView(backend, indices);
  const os = heapView(backend, out);
  for (let i = 0; i < ix.length; i++) {
    const from = (ix[i] as number) * inner;
    os.set(xs.subarray(from, from + inner), i * inner);
  }
  return out;
});
