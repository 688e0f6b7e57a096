import type { EvaluatorCard } from './evaluator/card.ts';
import type { EvaluatorOutputs } from './evaluator/session.ts';
import { predictedClasses } from './evaluator/session.ts';
import { classCounts, conditionalAccuracy, perClassFrechet } from './metrics/conditional.ts';
import { featureSet } from './metrics/features.ts';
import type { SampleClasses } from './sampling/samples.ts';

/** One class of a conditional generator's evaluation. */
export interface ConditionalClassResult {
  /** Class id (the generator's class input). */
  readonly class: number;
  readonly name: string;
  /** Samples generated for this class. */
  readonly samples: number;
  /** Real images of this class its FD compares with. */
  readonly referenceSamples: number;
  /** Share of this class's samples the evaluator classifies as this class. */
  readonly accuracy: number;
  /** FD between the evaluator features of this class's samples and of real images of this class. */
  readonly frechetDistance: number;
}

/**
 * The conditional section of an evaluation (class-conditional generators only). Every sample, for the
 * unconditional metrics too, is generated for class i mod numClasses ('balanced'). When the evaluator cannot
 * judge the generator's classes (other classes, too few samples), `skipped` says why and the numbers are absent.
 */
export interface ConditionalEvaluation {
  readonly numClasses: number;
  readonly classDraw: 'balanced';
  /** Why the conditional metrics were not measured. */
  readonly skipped?: string;
  /** Conditional accuracy: mean over the classes of the per-class accuracy (higher is better). */
  readonly accuracy?: number;
  /** Mean over the classes of the per-class FD (lower is better). */
  readonly meanFrechetDistance?: number;
  readonly perClass?: ConditionalClassResult[];
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

function listed(names: readonly string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 3).join(', ')}, ...`;
}

/**
 * Why the evaluator cannot measure the conditional metrics of these samples, or undefined when it can:
 * the generator's classes must be the evaluator's (same count, and the same names, or, when the run recorded
 * none, the same dataset), and each class needs 2 samples at least (for its FD).
 */
export function conditionalSkipReason(
  classes: SampleClasses,
  card: EvaluatorCard,
  generatorDataset: string | undefined,
): string | undefined {
  const { numClasses, classNames } = classes;
  const evaluator = `evaluator '${card.name}'`;
  if (numClasses !== card.dataset.numClasses) {
    return `the generator has ${numClasses} classes; ${evaluator} classifies ${card.dataset.numClasses}`;
  }
  if (classNames !== undefined && !sameNames(classNames, card.dataset.classNames)) {
    return `the generator's classes (${listed(classNames)}) are not those of ${evaluator} (${listed(card.dataset.classNames)})`;
  }
  if (classNames === undefined && generatorDataset !== card.dataset.name) {
    return `the generator records no class names and was trained on '${generatorDataset ?? 'unknown'}', not on ${evaluator}'s '${card.dataset.name}'`;
  }
  const fewest = Math.min(...classCounts(classes.labels, numClasses));
  if (fewest < 2) {
    return `${classes.labels.length} samples give ${fewest} per class; per-class FD needs --n ${2 * numClasses} or more`;
  }
  return undefined;
}

/**
 * Conditional accuracy and per-class FD from the evaluator's outputs on the generated samples (class of
 * sample i: labels[i]) and on real images (class: referenceLabels[i]) (pure).
 */
export function computeConditionalMetrics(
  generated: EvaluatorOutputs,
  labels: Int32Array,
  reference: EvaluatorOutputs,
  referenceLabels: Int32Array,
  classNames: readonly string[],
): Required<Pick<ConditionalEvaluation, 'accuracy' | 'meanFrechetDistance' | 'perClass'>> {
  const k = generated.numClasses;
  const acc = conditionalAccuracy(predictedClasses(generated), labels, k);
  const fd = perClassFrechet(
    featureSet(generated.features, generated.featureDim),
    labels,
    featureSet(reference.features, reference.featureDim),
    referenceLabels,
    k,
  );
  const samples = classCounts(labels, k);
  const referenceSamples = classCounts(referenceLabels, k);
  return {
    accuracy: acc.accuracy,
    meanFrechetDistance: fd.reduce((a, b) => a + b, 0) / k,
    perClass: fd.map((frechetDistance, c) => ({
      class: c,
      name: classNames[c] ?? String(c),
      samples: samples[c] as number,
      referenceSamples: referenceSamples[c] as number,
      accuracy: acc.perClass[c] as number,
      frechetDistance,
    })),
  };
}
