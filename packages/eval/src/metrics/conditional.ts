import type { FeatureSet } from './features.ts';
import { frechetDistance } from './frechet.ts';

/** The label of every row, each in [0, numClasses); RangeError otherwise. */
function checkLabels(labels: ArrayLike<number>, n: number, numClasses: number, what: string): void {
  if (labels.length !== n) throw new RangeError(`${what}: ${labels.length} labels for ${n} samples`);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new RangeError(`${what}: label ${c} of sample ${i} is not a class in [0, ${numClasses})`);
    }
  }
}

/** How many samples each class has. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (c >= 0 && c < numClasses) counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}

/**
 * Conditional accuracy: per class k, the share of the samples generated for class k (`labels`) that the
 * evaluator predicts as k (`predicted`); `accuracy` is the mean over the classes (each class weighs the same,
 * whatever its sample count). Every class needs at least one sample.
 */
export function conditionalAccuracy(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  numClasses: number,
): { accuracy: number; perClass: number[] } {
  checkLabels(labels, predicted.length, numClasses, 'conditional accuracy');
  const counts = classCounts(labels, numClasses);
  const hits = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (predicted[i] === c) hits[c] = (hits[c] as number) + 1;
  }
  const perClass = counts.map((count, c) => {
    if (count === 0) throw new RangeError(`conditional accuracy: class ${c} has no samples`);
    return (hits[c] as number) / count;
  });
  return { accuracy: perClass.reduce((a, b) => a + b, 0) / numClasses, perClass };
}

/** The rows of `set` whose label is k. */
export function rowsOfClass(set: FeatureSet, labels: ArrayLike<number>, k: number): FeatureSet {
  const rows: number[] = [];
  for (let i = 0; i < set.n; i++) if (labels[i] === k) rows.push(i);
  const values = new Float64Array(rows.length * set.d);
  rows.forEach((r, j) => {
    for (let a = 0; a < set.d; a++) values[j * set.d + a] = set.values[r * set.d + a] as number;
  });
  return { n: rows.length, d: set.d, values };
}

/**
 * Per-class Fréchet distance: for each class k, FD between the Gaussian fits of the generated samples of
 * class k and the real samples of class k. Every class needs at least 2 samples on each side.
 */
export function perClassFrechet(
  generated: FeatureSet,
  generatedLabels: ArrayLike<number>,
  real: FeatureSet,
  realLabels: ArrayLike<number>,
  numClasses: number,
): number[] {
  if (generated.d !== real.d) throw new RangeError(`per-class FD: ${generated.d}-d and ${real.d}-d features`);
  checkLabels(generatedLabels, generated.n, numClasses, 'per-class FD (generated)');
  checkLabels(realLabels, real.n, numClasses, 'per-class FD (real)');
  const out: number[] = [];
  for (let k = 0; k < numClasses; k++) {
    const fake = rowsOfClass(generated, generatedLabels, k);
    const truth = rowsOfClass(real, realLabels, k);
    if (fake.n < 2 || truth.n < 2) {
      throw new RangeError(
        `per-class FD: class ${k} has ${fake.n} generated and ${truth.n} real samples (2 each at least)`,
      );
    }
    out.push(frechetDistance(fake, truth));
  }
  return out;
}
