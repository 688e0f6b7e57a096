import { describe, expect, it } from 'vitest';
import { datasetOverPixels, normalizePixels } from '@ganforge/data';
import { meanPairwiseDistance } from './diversity.ts';
import { REAL_DIVERSITY_IMAGES, realDiversity } from './real-diversity.ts';

const dataset = (size: number) => {
  const pixels = Uint8Array.from({ length: size * 4 }, (_, i) => (i * 53) % 256);
  const ds = datasetOverPixels(
    {
      name: 'px',
      split: 'train',
      size,
      shape: { height: 2, width: 2, channels: 1 },
      numClasses: undefined,
      labels: undefined,
    },
    pixels,
  );
  return { ds, images: normalizePixels(pixels) };
};

describe('realDiversity', () => {
  it('is the mean pairwise distance of the first 64 images', () => {
    const { ds, images } = dataset(100);
    expect(REAL_DIVERSITY_IMAGES).toBe(64);
    expect(realDiversity(ds)).toBe(meanPairwiseDistance(images.subarray(0, 64 * 4), 64));
    expect(realDiversity(ds)).not.toBe(meanPairwiseDistance(images, 100));
  });

  it('takes every image of a smaller dataset', () => {
    const { ds, images } = dataset(5);
    expect(realDiversity(ds)).toBe(meanPairwiseDistance(images, 5));
  });
});
