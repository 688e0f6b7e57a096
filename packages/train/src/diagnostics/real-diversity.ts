import { imageRange, type Dataset } from '@ganforge/data';
import { meanPairwiseDistance } from './diversity.ts';

/** Real images the detectors' reference diversity is measured on: the dataset's first this many. */
export const REAL_DIVERSITY_IMAGES = 64;

/**
 * meanPairwiseDistance of the first REAL_DIVERSITY_IMAGES images of `ds` (all of them when it has fewer):
 * what a generator's sample diversity is compared with.
 */
export function realDiversity(ds: Dataset): number {
  const n = Math.min(REAL_DIVERSITY_IMAGES, ds.size);
  return meanPairwiseDistance(imageRange(ds, 0, n), n);
}
