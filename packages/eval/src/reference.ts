import { createRng, GanforgeError, shuffledIndices } from '@ganforge/core';
import { imagesAt, loadDataset } from '@ganforge/data';

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
  const order = shuffledIndices(ds.size, createRng(opts.seed));
  const images = imagesAt(ds, order.subarray(0, opts.n));
  return { dataset: opts.dataset, split: opts.split, images, n: opts.n, seed: opts.seed };
}

/** Real images of each class, the per-class counterpart of a ReferenceSet (per-class FD). */
export interface ClassReferenceSet extends ReferenceSet {
  /** The dataset's label of each image. */
  readonly labels: Int32Array;
  /** Images per class (index = class id). */
  readonly perClass: number[];
}

/**
 * For each class k, the first perClass[k] images of class k (or all of them, when the split has fewer) in
 * the seeded shuffle loadReference draws from with the same seed, grouped class by class.
 */
export async function loadClassReference(opts: {
  dataset: 'mnist' | 'fashion-mnist';
  split: 'train' | 'test';
  perClass: readonly number[];
  seed: number;
}): Promise<ClassReferenceSet> {
  const ds = await loadDataset({ kind: opts.dataset, split: opts.split });
  const labels = ds.labels;
  if (labels === undefined || ds.numClasses !== opts.perClass.length) {
    throw new GanforgeError(
      'bad_option',
      `${ds.name} ${opts.split} has ${ds.numClasses ?? 'no'} classes, not ${opts.perClass.length}`,
    );
  }
  const picked: number[][] = opts.perClass.map(() => []);
  for (const j of shuffledIndices(ds.size, createRng(opts.seed))) {
    const c = labels[j] as number;
    const list = picked[c];
    if (list !== undefined && list.length < (opts.perClass[c] as number)) list.push(j);
  }
  const order = picked.flat();
  const images = imagesAt(ds, order);
  const chosen = Int32Array.from(order, (j) => labels[j] as number);
  return {
    dataset: opts.dataset,
    split: opts.split,
    images,
    n: order.length,
    seed: opts.seed,
    labels: chosen,
    perClass: picked.map((l) => l.length),
  };
}
