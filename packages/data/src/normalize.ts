import type { Dataset } from './dataset.ts';

/**
 * 8-bit pixels to the [-1, 1] range a tanh generator produces, written into `out` from `offset`:
 * x / 127.5 - 1. 0 maps to exactly -1 and 255 to exactly 1.
 */
export function normalizeInto(pixels: Uint8Array, out: Float32Array, offset = 0): void {
  for (let i = 0; i < pixels.length; i++) out[offset + i] = (pixels[i] as number) / 127.5 - 1;
}

/** normalizeInto a new array. */
export function normalizePixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  normalizeInto(pixels, out);
  return out;
}

const PIXELS = Symbol('ganforge.datasetPixels');

/**
 * A dataset over 8-bit `pixels`: `images` is made from them (normalizePixels) the first time it is read,
 * then kept, and copyImage / imageRange read the pixels directly. The pixels are a hidden property: a
 * copy of the dataset (`{ ...ds, images }`, which reads `images`) is an ordinary dataset of its `images`.
 */
export function datasetOverPixels(fields: Omit<Dataset, 'images'>, pixels: Uint8Array): Dataset {
  let images: Float32Array | undefined;
  const ds = Object.defineProperty({ ...fields }, 'images', {
    get: (): Float32Array => (images ??= normalizePixels(pixels)),
    enumerable: true,
  });
  return Object.defineProperty(ds, PIXELS, { value: pixels, enumerable: false }) as Dataset;
}

/** The 8-bit pixels of a dataset made by datasetOverPixels (not of a copy of it). */
export function pixelsOf(ds: Dataset): Uint8Array | undefined {
  return (ds as unknown as { [PIXELS]?: Uint8Array })[PIXELS];
}
