/**
 * Reading a dataset's images without making all of them float32 at once.
 *
 * An IDX or folder dataset keeps its decoded bytes (datasetOverPixels) and makes `images` (every image as float32
 * in [-1, 1], 4x the bytes: 188 MB for MNIST's training split, ~0.8 s to write here) only when something
 * reads it. Training reads a batch at a time, an evaluation a subset: these normalize just the images
 * they take, to the same values `images` holds.
 */
import type { Dataset } from './dataset.ts';
import { PIXEL_SCALE, pixelsOf } from './normalize.ts';

/** Values per image (height x width x channels). */
export function valuesPerImage(ds: Dataset): number {
  return ds.shape.height * ds.shape.width * ds.shape.channels;
}

/** Image `index` of `ds` in [-1, 1], written into `out` from `offset`. */
export function copyImage(ds: Dataset, index: number, out: Float32Array, offset: number): void {
  const per = valuesPerImage(ds);
  const pixels = pixelsOf(ds);
  if (pixels === undefined) {
    out.set(ds.images.subarray(index * per, (index + 1) * per), offset);
    return;
  }
  for (let i = 0, p = index * per; i < per; i++, p++)
    out[offset + i] = (pixels[p] as number) / PIXEL_SCALE - 1;
}

/** Images [start, start + count) of `ds` in [-1, 1], as a new array. */
export function imageRange(ds: Dataset, start: number, count: number): Float32Array {
  const per = valuesPerImage(ds);
  const out = new Float32Array(count * per);
  for (let i = 0; i < count; i++) copyImage(ds, start + i, out, i * per);
  return out;
}
