import { describe, expect, it } from 'vitest';
import { createRng, GanforgeError } from '@ganforge/core';
import { batches, batchesPerEpoch } from './batches.ts';
import type { Dataset } from './dataset.ts';

/** n 2x1x1 images whose pixels are (i / n, -i / n) and label i % 7. */
function toyDataset(n: number, withLabels = true): Dataset {
  const images = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    images[2 * i] = i / n;
    images[2 * i + 1] = -i / n;
  }
  return {
    name: 'toy',
    split: 'train',
    size: n,
    shape: { height: 2, width: 1, channels: 1 },
    numClasses: withLabels ? 7 : undefined,
    images,
    labels: withLabels ? Int32Array.from({ length: n }, (_, i) => i % 7) : undefined,
  };
}

/** The example indices of each batch, recovered from the pixels. */
function order(ds: Dataset, batchSize: number, seed: number): number[][] {
  return Array.from(batches(ds, batchSize, createRng(seed)), (b) =>
    Array.from({ length: b.size }, (_, j) => Math.round((b.images[2 * j] as number) * ds.size)),
  );
}

describe('batches', () => {
  const ds = toyDataset(103);

  it('yields full batches only, with images and labels of the same examples', () => {
    const all = Array.from(batches(ds, 10, createRng(1)));
    expect(all.length).toBe(10);
    expect(batchesPerEpoch(ds, 10)).toBe(10);
    for (const b of all) {
      expect(b.size).toBe(10);
      expect(b.images.length).toBe(20);
      expect(b.labels?.length).toBe(10);
      for (let j = 0; j < 10; j++) {
        const i = Math.round((b.images[2 * j] as number) * 103);
        expect(b.images[2 * j + 1]).toBe(ds.images[2 * i + 1]);
        expect(b.labels?.[j]).toBe(i % 7);
      }
    }
  });

  it('visits every index exactly once when the batch size divides the size', () => {
    const flat = order(toyDataset(100), 20, 7).flat();
    expect(flat.length).toBe(100);
    expect([...flat].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('never repeats an index when the last partial batch is dropped', () => {
    const flat = order(ds, 10, 3).flat();
    expect(flat.length).toBe(100);
    expect(new Set(flat).size).toBe(100);
  });

  it('same seed, same order; another seed, another order; shuffled, not sequential', () => {
    expect(order(ds, 10, 42)).toEqual(order(ds, 10, 42));
    expect(order(ds, 10, 42)).not.toEqual(order(ds, 10, 43));
    expect(order(ds, 10, 42).flat()).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('successive epochs from one rng differ', () => {
    const rng = createRng(5);
    const first = Array.from(batches(ds, 50, rng), (b) => Array.from(b.images));
    const second = Array.from(batches(ds, 50, rng), (b) => Array.from(b.images));
    expect(first).not.toEqual(second);
  });

  it('leaves labels undefined for unlabelled data', () => {
    const [first] = batches(toyDataset(8, false), 4, createRng(0));
    expect(first?.labels).toBeUndefined();
  });

  it.each([
    [0, 'batch size 0 is not a positive integer'],
    [2.5, 'batch size 2.5 is not a positive integer'],
    [104, 'batch size 104 is larger than dataset toy (103 examples)'],
  ])('rejects batch size %s', (size, message) => {
    const e = (() => {
      try {
        batches(ds, size, createRng(0)).next();
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(GanforgeError);
    expect((e as GanforgeError).message).toBe(message);
  });
});
