import type { EvaluatorOutputs } from './evaluator/session.ts';
import { predictedClasses } from './evaluator/session.ts';
import { classCoverage, classHistogram, classKl } from './metrics/class-histogram.ts';
import { classifierScore } from './metrics/classifier-score.ts';
import { featureSet } from './metrics/features.ts';
import { frechetDistance } from './metrics/frechet.ts';
import { densityCoverage, precisionRecall } from './metrics/manifold.ts';

/** Every number `ganforge eval` reports. Lower is better for frechetDistance and classKl; higher for the rest. */
export interface EvaluationMetrics {
  /** FD between Gaussian fits of generated and reference features (the FID recipe on the evaluator's features). */
  readonly frechetDistance: number;
  /** exp(E[KL(p(y|x) || p(y))]) over the generated samples, in [1, numClasses]. */
  readonly classifierScore: number;
  /** Classes holding at least 10% of a uniform share of the generated samples (numClasses = all). */
  readonly classCoverage: number;
  /** KL(generated class histogram || reference class histogram), nats. */
  readonly classKl: number;
  /** Kynkäänniemi et al. 2019, k-NN manifolds in feature space. */
  readonly precision: number;
  readonly recall: number;
  /** Naeem et al. 2020, k-NN balls around the reference features. */
  readonly density: number;
  readonly coverage: number;
}

export interface MetricsReport {
  readonly metrics: EvaluationMetrics;
  /** Share of samples per predicted class, generated and reference. */
  readonly classHistogram: { readonly generated: number[]; readonly reference: number[] };
}

/** All metrics from the evaluator's outputs on the generated and the reference images (pure). */
export function computeMetrics(
  generated: EvaluatorOutputs,
  reference: EvaluatorOutputs,
  k: number,
): MetricsReport {
  if (generated.featureDim !== reference.featureDim || generated.numClasses !== reference.numClasses) {
    throw new RangeError('generated and reference outputs come from different evaluators');
  }
  const fake = featureSet(generated.features, generated.featureDim);
  const real = featureSet(reference.features, reference.featureDim);
  const hGen = classHistogram(predictedClasses(generated), generated.numClasses);
  const hRef = classHistogram(predictedClasses(reference), reference.numClasses);
  const pr = precisionRecall(real, fake, k);
  const dc = densityCoverage(real, fake, k);
  return {
    metrics: {
      frechetDistance: frechetDistance(fake, real),
      classifierScore: classifierScore(generated.probabilities, generated.numClasses),
      classCoverage: classCoverage(hGen),
      classKl: classKl(hGen, hRef),
      precision: pr.precision,
      recall: pr.recall,
      density: dc.density,
      coverage: dc.coverage,
    },
    classHistogram: { generated: [...hGen], reference: [...hRef] },
  };
}
