/**
 * UnsortedSegmentSum (the gradient of tf.gather, so of every Embedding) for the wasm backend, on the
 * heap. tfjs-backend-wasm 4.22 has no such kernel; computed through the cpu backend's (one masked
 * full-size sum per segment, plus copies off and back onto the heap) it took ~750 ms per call for a
 * projection discriminator's [64, 6272] class-embedding gradient: two thirds of a conditional DCGAN
 * step. Here it is one pass over x.
 *
 * Same numbers as the cpu kernel: each output element is the float64 sum of its rows in row order,
 * rounded to float32 once, as the cpu backend's Sum does; the result is float32 for int32 x too, as
 * there (its mask is float32). Segment ids outside [0, numSegments) are
 * dropped, as in TensorFlow.
 */
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TypedArray, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core';
import { allocate, heapView } from './heap.ts';

/** out[s, :] = sum of x[i, :] over the rows i with segmentIds[i] = s; out is [numSegments, inner]. */
export function unsortedSegmentSumInto(
  x: TypedArray,
  segmentIds: TypedArray,
  numSegments: number,
  out: TypedArray,
): void {
  const rows = segmentIds.length;
  const inner = rows === 0 ? 0 : x.length / rows;
  const acc = new Float64Array(numSegments * inner);
  for (let i = 0; i < rows; i++) {
    const s = segmentIds[i] as number;
    if (s < 0 || s >= numSegments) continue;
    const from = i * inner;
    const to = s * inner;
    for (let j = 0; j < inner; j++) acc[to + j] = (acc[to + j] as number) + (x[from + j] as number);
  }
  for (let k = 0; k < acc.length; k++) out[k] = acc[k] as number;
}

export const unsortedSegmentSumWasmConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend: kernelBackend, attrs }) => {
    const backend = kernelBackend as KernelBackend;
    const { x, segmentIds } = inputs;
    if (x === undefined || segmentIds === undefined)
      throw new Error('UnsortedSegmentSum needs x and segmentIds');
    if (x.dtype !== 'float32' && x.dtype !== 'int32')
      throw new Error(`UnsortedSegmentSum on wasm: x must be float32 or int32, got ${x.dtype}`);
    const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs;
    const out = allocate(backend, [numSegments, ...x.shape.slice(segmentIds.shape.length)], 'float32');
    // Views after the allocation: allocating may grow (and so detach) the heap.
    unsortedSegmentSumInto(
      heapView(backend, x),
      heapView(backend, segmentIds),
      numSegments,
      heapView(backend, out),
    );
    return out;
  },
};
