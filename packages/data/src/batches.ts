import type { Rng } from '@ganforge/core';
import { GanforgeError, shuffledIndices } from '@ganforge/core';
import type { Batch, Dataset } from './dataset.ts';
import { copyImage, valuesPerImage } from './dataset-images.ts';

/** Number of full batches in one epoch (the last partial batch is dropped). */
export function batchesPerEpoch(ds: Dataset, batchSize: number): number {
  return Math.floor(ds.size / batchSize);
}

/**
 * One epoch of `ds` in an order shuffled by `rng` (Fisher-Yates), as batches of exactly
 * `batchSize` examples; the last partial batch is dropped, so every example appears at most
 * once and all but `ds.size % batchSize` appear exactly once. Each batch owns fresh arrays.
 * The rng is drawn from when iteration starts.
 */
export function* batches(ds: Dataset, batchSize: number, rng: Rng): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new GanforgeError('bad_config', `batch size ${batchSize} is not a positive integer`, {
      hint: 'use a batch size such as 64',
    });
  }
  if (batchSize > ds.size) {
    throw new GanforgeError(
      'bad_config',
      `batch size ${batchSize} is larger than dataset ${ds.name} (${ds.size} examples)`,
      { hint: `use a batch size of at most ${ds.size}, or a larger dataset limit` },
    );
  }
  const order = shuffledIndices(ds.size, rng);
  const perImage = valuesPerImage(ds);
  const count = batchesPerEpoch(ds, batchSize);
  for (let b = 0; b < count; b++) {
    const images = new Float32Array(batchSize * perImage);
    const labels = ds.labels === undefined ? undefined : new Int32Array(batchSize);
    for (let j = 0; j < batchSize; j++) {
      const index = order[b * batchSize + j] as number;
      copyImage(ds, index, images, j * perImage);
      if (labels !== undefined) labels[j] = ds.labels?.[index] as number;
    }
    yield { images, labels, size: batchSize };
  }
}
