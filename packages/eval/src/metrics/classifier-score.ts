/**
 * Classifier score, the Inception Score (Salimans et al. 2016) computed with the evaluator instead of Inception:
 *
 *   CS = exp( E_x[ KL( p(y|x) || p(y) ) ] ),   p(y) = E_x[ p(y|x) ]
 *
 * over the n rows of `probabilities` (n x k). 1 = every sample gets the same class distribution (collapse or
 * noise); k = every sample is confidently one class and all k classes are equally used.
 * Terms with p(y|x) = 0 contribute 0 (the limit of p log p).
 */
export function classifierScore(probabilities: ArrayLike<number>, k: number): number {
  const n = probabilities.length / k;
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`classifier score: ${probabilities.length} values is not n x ${k}`);
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < k; c++)
      marginal[c] = (marginal[c] as number) + (probabilities[i * k + c] as number) / n;
  let meanKl = 0;
  for (let i = 0; i < n; i++) {
    let kl = 0;
    for (let c = 0; c < k; c++) {
      const p = probabilities[i * k + c] as number;
      if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c] as number));
    }
    meanKl += kl / n;
  }
  return Math.exp(meanKl);
}
