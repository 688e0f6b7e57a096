import type { FeatureSet } from './features.ts';

/** Squared Euclidean distance between row i of x and row j of y. */
function sqDist(x: FeatureSet, i: number, y: FeatureSet, j: number): number {
  const d = x.d;
  let s = 0;
  for (let a = 0; a < d; a++) {
    const t = (x.values[i * d + a] as number) - (y.values[j * d + a] as number);
    s += t * t;
  }
  return s;
}

/**
 * Squared radius of each point's k-nearest-neighbour ball within its own set: the squared distance to its
 * k-th nearest OTHER point (the point itself, at distance 0, is not counted).
 */
export function knnRadiiSquared(x: FeatureSet, k: number): Float64Array {
  if (!Number.isInteger(k) || k < 1 || k >= x.n)
    throw new RangeError(`k-NN radii: k = ${k} needs 1 <= k < n = ${x.n}`);
  const radii = new Float64Array(x.n);
  const row = new Float64Array(x.n);
  for (let i = 0; i < x.n; i++) {
    for (let j = 0; j < x.n; j++) row[j] = i === j ? Infinity : sqDist(x, i, x, j);
    row.sort();
    radii[i] = row[k - 1] as number;
  }
  return radii;
}

/** Fraction of the rows of `query` that fall inside at least one ball (center row of `support`, squared radius). */
function fractionInsideManifold(query: FeatureSet, support: FeatureSet, radiiSq: Float64Array): number {
  let inside = 0;
  for (let j = 0; j < query.n; j++) {
    for (let i = 0; i < support.n; i++) {
      if (sqDist(support, i, query, j) <= (radiiSq[i] as number)) {
        inside++;
        break;
      }
    }
  }
  return inside / query.n;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019). Each set's manifold is the union of balls around
 * its points with radius = distance to the k-th nearest neighbour in the same set.
 *   precision = (1/M) sum_j 1[ fake_j inside the real manifold ]   (how many samples look real)
 *   recall    = (1/N) sum_i 1[ real_i inside the fake manifold ]   (how much of the data the samples cover)
 */
export function precisionRecall(
  real: FeatureSet,
  fake: FeatureSet,
  k: number,
): { precision: number; recall: number } {
  return {
    precision: fractionInsideManifold(fake, real, knnRadiiSquared(real, k)),
    recall: fractionInsideManifold(real, fake, knnRadiiSquared(fake, k)),
  };
}

/**
 * Density and coverage (Naeem et al. 2020), both from balls around the REAL points only (robust to outliers
 * among the fakes):
 *   density  = 1/(k M) sum_j sum_i 1[ fake_j in B(real_i, NND_k(real_i)) ]   (can exceed 1)
 *   coverage = 1/N sum_i 1[ exists j: fake_j in B(real_i, NND_k(real_i)) ]
 */
export function densityCoverage(
  real: FeatureSet,
  fake: FeatureSet,
  k: number,
): { density: number; coverage: number } {
  const radii = knnRadiiSquared(real, k);
  let hits = 0;
  let covered = 0;
  for (let i = 0; i < real.n; i++) {
    let any = false;
    for (let j = 0; j < fake.n; j++) {
      if (sqDist(real, i, fake, j) <= (radii[i] as number)) {
        hits++;
        any = true;
      }
    }
    if (any) covered++;
  }
  return { density: hits / (k * fake.n), coverage: covered / real.n };
}
