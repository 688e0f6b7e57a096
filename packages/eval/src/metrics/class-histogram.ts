/** Share of samples per predicted class (argmax of p(y|x)), summing to 1. */
export function classHistogram(labels: ArrayLike<number>, k: number): Float64Array {
  const h = new Float64Array(k);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (c >= 0 && c < k) h[c] = (h[c] as number) + 1;
  }
  for (let c = 0; c < k; c++) h[c] = (h[c] as number) / Math.max(1, labels.length);
  return h;
}

/** A class counts as covered when it gets at least this fraction of its uniform share (1/k). */
export const COVERAGE_MIN_SHARE = 0.1;

/**
 * Class coverage: the number of classes whose share of the generated samples is at least
 * COVERAGE_MIN_SHARE / k (10% of a uniform share), so a handful of stray predictions do not count a class
 * as generated. k for a generator that covers every class, 1 for one that collapsed onto a single class.
 */
export function classCoverage(histogram: ArrayLike<number>, minShare = COVERAGE_MIN_SHARE): number {
  const k = histogram.length;
  let covered = 0;
  for (let c = 0; c < k; c++) if ((histogram[c] as number) >= minShare / k) covered++;
  return covered;
}

/**
 * KL divergence of the generated class histogram P from the reference (data) histogram Q, in nats:
 *
 *   KL(P || Q) = sum_c P(c) log(P(c) / Q(c))
 *
 * Q is smoothed with `epsilon` (then renormalized) so a class the reference never shows gives a large finite
 * value instead of infinity. 0 when the histograms match; log(k) when all samples fall in one class of a
 * uniform reference (log 10 = 2.303).
 */
export function classKl(generated: ArrayLike<number>, reference: ArrayLike<number>, epsilon = 1e-6): number {
  const k = generated.length;
  if (reference.length !== k) throw new RangeError(`class KL: ${k} vs ${reference.length} classes`);
  let qTotal = 0;
  for (let c = 0; c < k; c++) qTotal += (reference[c] as number) + epsilon;
  let kl = 0;
  for (let c = 0; c < k; c++) {
    const p = generated[c] as number;
    if (p > 0) kl += p * Math.log(p / (((reference[c] as number) + epsilon) / qTotal));
  }
  return Math.max(0, kl);
}
