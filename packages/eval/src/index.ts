/**
 * @ganforge/eval: how good is a generator? Evaluator classifiers trained by ganforge (models/evaluators),
 * the distribution metrics on their features (Fréchet distance, classifier score, class coverage/KL,
 * precision/recall, density/coverage) and the sampling of exported models and training runs.
 */
export * from './metrics/index.ts';
export { computeMetrics, type EvaluationMetrics, type MetricsReport } from './computeMetrics.ts';
export {
  evaluate,
  DEFAULT_K,
  type EvaluateOptions,
  type EvaluationProtocol,
  type EvaluationResult,
} from './evaluate.ts';
export { loadReference, type ReferenceSet } from './reference.ts';
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
export type { GeneratedSamples } from './sampling/samples.ts';
export { isModelDir, readModelCard, sampleModelDir, writeCardEvaluation } from './sampling/modelDir.ts';
export { sampleRunDir } from './sampling/runDir.ts';
export {
  evaluateGenerator,
  type EvaluateGeneratorOptions,
  type GeneratorEvaluation,
} from './evaluateGenerator.ts';
