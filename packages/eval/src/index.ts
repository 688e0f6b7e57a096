/**
 * @ganforge/eval: how good is a generator? Evaluator classifiers trained by ganforge (models/evaluators),
 * the distribution metrics on their features (Fréchet distance, classifier score, class coverage/KL,
 * precision/recall, density/coverage; for class-conditional generators conditional accuracy and per-class
 * FD) and the sampling of exported models and training runs.
 */
export * from './metrics/index.ts';
export { computeMetrics, type EvaluationMetrics, type MetricsReport } from './compute-metrics.ts';
export {
  computeConditionalMetrics,
  conditionalSkipReason,
  type ConditionalClassResult,
  type ConditionalEvaluation,
} from './conditional-metrics.ts';
export {
  evaluate,
  DEFAULT_K,
  type ConditionalInput,
  type EvaluateOptions,
  type EvaluationProtocol,
  type EvaluationResult,
} from './evaluate.ts';
export { loadClassReference, loadReference, type ClassReferenceSet, type ReferenceSet } from './reference.ts';
export { EvaluatorCardSchema, readEvaluatorCard, type EvaluatorCard } from './evaluator/card.ts';
export {
  EVALUATORS_DIR,
  SHIPPED_EVALUATORS,
  loadEvaluator,
  runEvaluator,
  predictedClasses,
  sha256Hex,
  type Evaluator,
  type EvaluatorOutputs,
} from './evaluator/session.ts';
export {
  buildEvaluatorNetwork,
  FEATURE_LAYER,
  FEATURE_DIM,
  EVALUATOR_INPUT,
} from './evaluator/architecture.ts';
export {
  trainEvaluator,
  featureExtractor,
  headWeights,
  predictTfjs,
  type EvaluatorTraining,
  type LayersModel,
} from './evaluator/train.ts';
export { balancedClasses, type GeneratedSamples, type SampleClasses } from './sampling/samples.ts';
export { isModelDir, readModelCard, sampleModelDir, writeCardEvaluation } from './sampling/model-dir.ts';
export { sampleRunDir } from './sampling/run-dir.ts';
export {
  evaluateGenerator,
  type EvaluateGeneratorOptions,
  type GeneratorEvaluation,
} from './evaluate-generator.ts';
