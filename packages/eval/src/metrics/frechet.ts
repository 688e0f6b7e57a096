import type { FeatureSet } from './features.ts';
import { fitGaussian } from './gaussian.ts';
import type { GaussianFit } from './gaussian.ts';
import { matmul, sqrtSymmetricPsd, symmetricEigen } from './symmetric-eigen.ts';

/**
 * Fréchet (2-Wasserstein) distance between two Gaussians (Dowson & Landau 1982; FID, Heusel et al. 2017):
 *
 *   FD = ||mu1 - mu2||^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^(1/2))
 *
 * (S1 S2)^(1/2) is not symmetric, but it is similar to the symmetric PSD matrix S1^(1/2) S2 S1^(1/2):
 *   Tr((S1 S2)^(1/2)) = Tr((S1^(1/2) S2 S1^(1/2))^(1/2)) = sum_i sqrt(lambda_i(S1^(1/2) S2 S1^(1/2)))
 * so both square roots are taken through symmetric eigen-decompositions (Jacobi), with round-off negatives
 * clamped to 0. The result is clamped at 0 (it is a squared distance).
 */
export function frechetDistanceGaussians(g1: GaussianFit, g2: GaussianFit): number {
  const d = g1.d;
  if (g2.d !== d) throw new RangeError(`Fréchet distance: ${g1.d}-d and ${g2.d}-d Gaussians`);
  let meanTerm = 0;
  let trace1 = 0;
  let trace2 = 0;
  for (let a = 0; a < d; a++) {
    meanTerm += ((g1.mean[a] as number) - (g2.mean[a] as number)) ** 2;
    trace1 += g1.covariance[a * d + a] as number;
    trace2 += g2.covariance[a * d + a] as number;
  }
  const root1 = sqrtSymmetricPsd(g1.covariance, d);
  const middle = matmul(matmul(root1, g2.covariance, d), root1, d);
  // Symmetrize away round-off before the eigen solver.
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = ((middle[i * d + j] as number) + (middle[j * d + i] as number)) / 2;
      middle[i * d + j] = s;
      middle[j * d + i] = s;
    }
  }
  let traceRoot = 0;
  for (const lambda of symmetricEigen(middle, d).values) traceRoot += Math.sqrt(Math.max(lambda, 0));
  return Math.max(0, meanTerm + trace1 + trace2 - 2 * traceRoot);
}

/** FD between Gaussian fits of two feature sets (the "FID" recipe on any evaluator's features). */
export function frechetDistance(x: FeatureSet, y: FeatureSet): number {
  return frechetDistanceGaussians(fitGaussian(x), fitGaussian(y));
}
