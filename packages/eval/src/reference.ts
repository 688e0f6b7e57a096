import { createRng, GanforgeError, shuffledIndices } from '@ganforge/core';
import { loadDataset } from '@ganforge/train';

/** Real images the generated ones are compared with. */
export interface ReferenceSet {
  readonly dataset: string;
  readonly split: 'train' | 'test';
  /** NHWC float32 in [-1, 1]. */
  readonly images: Float32Array;
  readonly n: number;
  /** Seed of the random subset (shuffledIndices), so the same n + seed gives the same images. */
  readonly seed: number;
}

/** n images drawn without replacement from a labeled dataset split, by a seeded shuffle. */
export async function loadReference(opts: {
  dataset: 'mnist' | 'fashion-mnist';
  split: 'train' | 'test';
  n: number;
  seed: number;
}): Promise<ReferenceSet> {
  const ds = await loadDataset({ kind: opts.dataset, split: opts.split });
  if (!Number.isInteger(opts.n) || opts.n < 2 || opts.n > ds.size) {
    throw new GanforgeError(
      'bad_option',
      `reference size ${opts.n} is out of range for ${ds.name} ${opts.split} (${ds.size} images)`,
      {
        hint: `use --n from 2 to ${ds.size}`,
      },
    );
  }
  const per = ds.shape.height * ds.shape.width * ds.shape.channels;
  const order = shuffledIndices(ds.size, createRng(opts.seed));
  const images = new Float32Array(opts.n * per);
  for (let i = 0; i < opts.n; i++) {
    const j = order[i] as number;
    images.set(ds.images.subarray(j * per, (j + 1) * per), i * per);
  }
  return { dataset: opts.dataset, split: opts.split, images, n: opts.n, seed: opts.seed };
}
