/**
 * Sample diversity against mode collapse: a small variety of images with many duplicates
 * (docs/techniques.md#mode-collapse). Pure functions over NHWC float32 batches.
 */

function rowDistance(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) {
    const d = (a[ai + k] as number) - (b[bi + k] as number);
    s += d * d;
  }
  return Math.sqrt(s);
}

function checkBatch(batch: Float32Array, n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || batch.length % n !== 0) {
    throw new RangeError(`${what}: ${batch.length} values do not split into ${n} images`);
  }
  return batch.length / n;
}

/**
 * Mean Euclidean distance over all pairs of the n images in `batch` (each image = length/n values).
 * 0 when every image is the same: a collapsed generator. Compare with the same number on real data.
 */
export function meanPairwiseDistance(batch: Float32Array, n: number): number {
  const dim = checkBatch(batch, n, 'meanPairwiseDistance');
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += rowDistance(batch, i * dim, batch, j * dim, dim);
  }
  return s / ((n * (n - 1)) / 2);
}

/**
 * Mean distance between image i of `a` and image i of `b`: how far the outputs for the same
 * fixed z moved between two snapshots.
 */
export function meanMatchedDistance(a: Float32Array, b: Float32Array, n: number): number {
  const dim = checkBatch(a, n, 'meanMatchedDistance');
  if (b.length !== a.length)
    throw new RangeError(`meanMatchedDistance: batches differ in size (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < n; i++) s += rowDistance(a, i * dim, b, i * dim, dim);
  return s / n;
}
