import { describe, expect, it } from 'vitest';
import { createRng } from '@ganforge/core';
import { batches } from './batches.ts';
import type { Dataset } from './dataset.ts';
import { copyImage, imageRange, imagesAt } from './dataset-images.ts';
import { datasetOverPixels, normalizePixels } from './normalize.ts';
import { loadDataset } from './spec.ts';

const FIELDS = {
  name: 'bytes',
  split: 'train',
  size: 4,
  shape: { height: 2, width: 2, channels: 1 },
  numClasses: undefined,
  labels: undefined,
} as const;

describe("a dataset's images, read from its 8-bit pixels", () => {
  const pixels = Uint8Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
  const expected = normalizePixels(pixels);

  it('copyImage, imageRange and batches give the values of normalizePixels without making `images`', () => {
    const ds = datasetOverPixels(FIELDS, pixels);
    const out = new Float32Array(6).fill(9);
    copyImage(ds, 2, out, 1);
    expect(Array.from(out)).toEqual([9, ...expected.subarray(8, 12), 9]);
    expect(imageRange(ds, 1, 3)).toEqual(expected.subarray(4, 16));
    expect(Array.from(imagesAt(ds, [3, 0]))).toEqual([
      ...expected.subarray(12, 16),
      ...expected.subarray(0, 4),
    ]);
    const seen = [...batches(ds, 2, createRng(5))].flatMap((b) => Array.from(b.images));
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from(expected).sort((a, b) => a - b));
    // None of that read `images`: poisoning the pixels now shows in the first read of it.
    pixels[0] = 255;
    expect(ds.images[0]).toBe(1);
    pixels[0] = 0;
  });

  it('makes `images` on first read and keeps it', () => {
    const ds = datasetOverPixels(FIELDS, pixels);
    const first = ds.images;
    expect(first).toEqual(expected);
    expect(ds.images).toBe(first);
  });

  it('a copy with other images is read through its images, not the pixels it came from', () => {
    const ds = datasetOverPixels(FIELDS, pixels);
    const zeros: Dataset = { ...ds, images: new Float32Array(16) };
    expect(imageRange(zeros, 0, 4)).toEqual(new Float32Array(16));
    expect(imageRange(ds, 0, 4)).toEqual(expected);
  });

  it('MNIST: subsets read from the bytes equal the same rows of `images`', async () => {
    const ds = await loadDataset({ kind: 'mnist', split: 'test', limit: 50 });
    const subset = imageRange(ds, 10, 5);
    expect(subset).toEqual(ds.images.subarray(10 * 784, 15 * 784));
  });
});
