/**
 * Reading a dataset's images without making all of them float32 at once.
 *
 * An IDX or folder dataset keeps its decoded bytes (datasetOverPixels) and makes `images` (every image as float32
 * in [-1, 1], 4x the bytes: 188 MB for MNIST's training split, ~0.8 s to write here) only when something
 * reads it. Training reads a batch at a time, an evaluation a subset: these normalize just the images
 * they take, to the same values `images` holds.
 */
import type { Dataset } from './dataset.ts';
import { normalizeInto, pixelsOf } from './normalize.ts';

/** Values per image (height x width x channels). */
export function valuesPerImage(ds: Dataset): number {
  return ds.shape.height * ds.shape.width * ds.shape.channels;
}

/** Image `index` of `ds` in [-1, 1], written into `out` from `offset`. */
export function copyImage(ds: Dataset, index: number, out: Float32Array, offset: number): void {
  const per = valuesPerImage(ds);
  const pixels = pixelsOf(ds);
  if (pixels === undefined) out.set(ds.images.subarray(index * per, (index + 1) * per), offset);
  else normalizeInto(pixels.subarray(index * per, (index + 1) * per), out, offset);
}

/** The images of `ds` at `indices`, in that order, in [-1, 1], as a new array. */
export function imagesAt(ds: Dataset, indices: ArrayLike<number>): Float32Array {
  const per = valuesPerImage(ds);
  const out = new Float32Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) copyImage(ds, indices[i] as number, out, i * per);
  return out;
}

/** Images [start, start + count) of `ds` in [-1, 1], as a new array. */
export function imageRange(ds: Dataset, start: number, count: number): Float32Array {
  return imagesAt(
    ds,
    Array.from({ length: count }, (_, i) => start + i),
  );
}
