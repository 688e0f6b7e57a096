import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { Dataset } from '@ganforge/data';
import { decodeIdx } from '@ganforge/data';

/** Min and max of an array in one pass. */
export function range(values: ArrayLike<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/**
 * Checks a full MNIST-format dataset: count, 28x28x1 shape, pixels exactly in [-1, 1] with both
 * ends present, labels 0..9 with every class present, and the first image equal to the raw file
 * bytes normalized by x / 127.5 - 1.
 */
export function expectMnistLike(ds: Dataset, size: number, imagesFile: string): void {
  expect(ds.size).toBe(size);
  expect(ds.shape).toEqual({ height: 28, width: 28, channels: 1 });
  expect(ds.images.length).toBe(size * 28 * 28);
  expect(range(ds.images)).toEqual([-1, 1]);
  expect(ds.numClasses).toBe(10);
  const labels = ds.labels;
  expect(labels?.length).toBe(size);
  expect(range(labels ?? [])).toEqual([0, 9]);
  const counts = new Array<number>(10).fill(0);
  for (const label of labels ?? []) counts[label] = (counts[label] ?? 0) + 1;
  expect(counts.every((c) => c > 0)).toBe(true);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(size);
  const raw = decodeIdx(readFileSync(imagesFile), imagesFile).data.subarray(0, 28 * 28);
  expect(Array.from(ds.images.subarray(0, 28 * 28))).toEqual(
    Array.from(raw, (p) => Math.fround(p / 127.5 - 1)),
  );
}
