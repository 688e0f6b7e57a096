/**
 * @ganforge/ablate: `ganforge ablate <suite>`: a suite (a base config, named variants, seeds, a budget)
 * expanded into runs, each trained in its own process and evaluated at its checkpoints, resumable; the
 * numbers over seeds (ablation.json), a Markdown table and an HTML report; a Kubernetes Indexed Job for
 * running a suite on a cluster.
 */
export { ABLATION_METRICS, LOWER_IS_BETTER } from './types.ts';
export type {
  AblationMetric,
  AblationPlan,
  AblationResult,
  EvaluationPlan,
  PlannedRun,
  RunEvaluation,
  RunEventSummary,
  RunResult,
  Stat,
  VariantPlan,
  VariantSummary,
} from './types.ts';
export { readSuite, SuiteSchema, overrideText, type Suite, type SuiteVariant } from './suite.ts';
export { evaluationSteps, planSuite, planSuiteFile, runId } from './plan.ts';
export { formatPlan } from './format-plan.ts';
export { describe as describeValues, summarizeVariant } from './aggregate.ts';
export { collectAblation, collectRun, readRunEvaluation } from './collect.ts';
export {
  ABLATION_FILES,
  findRunDir,
  readPlan,
  runConfigFile,
  runParent,
  trainedStep,
  type RunDone,
} from './layout.ts';
export { runGanforge, type GanforgeLauncher } from './ganforge-child.ts';
export { runOne, type RunOneOptions, type RunOneOutcome } from './run-one.ts';
export {
  lockResultFolder,
  PARENT_ENV,
  parentGoneSignal,
  pendingRuns,
  preparePlan,
  scheduleRuns,
  type ScheduleOptions,
  type ScheduleResult,
  type SchedulerEvents,
} from './run-ablation.ts';
export {
  createAblationProgress,
  estimateSecondsLeft,
  formatDuration,
  type AblationProgress,
} from './ablation-progress.ts';
export { renderAblationMarkdown } from './report/markdown.ts';
export { renderAblationHtml } from './report/html.ts';
export { writeAblationReport } from './report/write-report.ts';
export { gridsMontage, writeAblationFigures } from './report/figures.ts';
export { kubernetesJob, kubernetesJobYaml } from './kubernetes-job.ts';
