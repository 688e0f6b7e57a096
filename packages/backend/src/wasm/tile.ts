/**
 * Tile for the wasm backend, on the heap: x's rows are copied into place and each block is then
 * repeated by doubling `copyWithin`, so the work is a few memcpy calls per block. The shipped kernel
 * computes a 4-D index per output element: Tile [1,1,1,32] -> [64,14,14,32] (the broadcast inside
 * batch norm's gradient) took ~20 ms of a ~350 ms DCGAN step; this takes well under 1 ms.
 */
import { Tile } from '@tensorflow/tfjs-core';
import type { KernelConfig, TileAttrs, TypedArray } from '@tensorflow/tfjs-core';
import { fasterKernel } from './faster-kernel.ts';
import { allocate, heapView, stridesOf } from './heap.ts';

/** Repeats out[at, at + length) `times` times in place, by doubling. */
function repeatBlock(out: TypedArray, at: number, length: number, times: number): void {
  const total = length * times;
  for (let done = length; done < total;) {
    const n = Math.min(done, total - done);
    out.copyWithin(at + done, at, at + n);
    done += n;
  }
}

/** out = tile(x, reps) for row-major x of `shape`; out is already the right size. */
export function tileInto(
  x: TypedArray,
  shape: readonly number[],
  reps: readonly number[],
  out: TypedArray,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0] as number;
    return;
  }
  const outShape = shape.map((d, i) => d * (reps[i] as number));
  const xStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  const fill = (axis: number, xAt: number, outAt: number): void => {
    const n = shape[axis] as number;
    const r = reps[axis] as number;
    if (axis === rank - 1) {
      out.set(x.subarray(xAt, xAt + n), outAt);
      repeatBlock(out, outAt, n, r);
      return;
    }
    const xs = xStrides[axis] as number;
    const os = outStrides[axis] as number;
    for (let i = 0; i < n; i++) fill(axis + 1, xAt + i * xs, outAt + i * os);
    repeatBlock(out, outAt, n * os, r);
  };
  fill(0, 0, 0);
}

export const tileWasmConfig: KernelConfig = fasterKernel(Tile, ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64') return undefined;
  const { reps } = attrs as unknown as TileAttrs;
  const out = allocate(
    backend,
    x.shape.map((d, i) => d * (reps[i] as number)),
    x.dtype,
  );
  tileInto(heapView(backend, x), x.shape, reps, heapView(backend, out));
  return out;
});
