import type { FeatureSet } from './features.ts';

/** A multivariate Gaussian fitted to features: mean mu (d) and covariance Sigma (d x d, row-major). */
export interface GaussianFit {
  readonly d: number;
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
}

/**
 * Maximum-likelihood mean and unbiased covariance of the rows of X (n x d):
 *   mu = (1/n) sum_i x_i
 *   Sigma = 1/(n-1) sum_i (x_i - mu)(x_i - mu)^T
 * (numpy.cov's default, as in the reference FID code). Needs n >= 2.
 */
export function fitGaussian(x: FeatureSet): GaussianFit {
  const { n, d, values } = x;
  if (n < 2) throw new RangeError(`a Gaussian fit needs at least 2 feature vectors, got ${n}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) + (values[i * d + a] as number);
  for (let a = 0; a < d; a++) mean[a] = (mean[a] as number) / n;
  const covariance = new Float64Array(d * d);
  const centered = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) centered[a] = (values[i * d + a] as number) - (mean[a] as number);
    for (let a = 0; a < d; a++) {
      const ca = centered[a] as number;
      if (ca === 0) continue;
      for (let b = a; b < d; b++)
        covariance[a * d + b] = (covariance[a * d + b] as number) + ca * (centered[b] as number);
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = (covariance[a * d + b] as number) / (n - 1);
      covariance[a * d + b] = v;
      covariance[b * d + a] = v;
    }
  }
  return { d, mean, covariance };
}
