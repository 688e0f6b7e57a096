import type { DetectorName, FailureEvent, StepMetrics } from '@ganforge/runs';

export type { DetectorName, FailureEvent, Remedy, Severity } from '@ganforge/runs';

/** The per-step metrics the detectors read (a subset of a metrics.jsonl line). */
export type DiagnosticMetrics = Pick<
  StepMetrics,
  'step' | 'dLossReal' | 'dLossFake' | 'gLoss' | 'dReal' | 'dFake' | 'gGradNorm' | 'dGradNorm'
> &
  Partial<Pick<StepMetrics, 'foolRate' | 'gLayerGradNorms' | 'dLayerGradNorms'>>;

/** Signals the loop measures only every few steps (when it renders the fixed-z sample grid). */
export interface DiagnosticExtras {
  /** Mean pairwise distance of G(fixed z) (see meanPairwiseDistance); computed from `samples` when omitted. */
  readonly sampleDiversity?: number | undefined;
  /** Mean pairwise distance of a real batch: the scale sampleDiversity is compared with. Given once is enough. */
  readonly realDiversity?: number | undefined;
  /** G(fixed z) itself, NHWC float32 with n images: diversity, and outputs cycling (oscillation). */
  readonly samples?: SampleBatch | undefined;
}

/** A batch of n images, NHWC float32 in [-1, 1], row-major. */
export interface SampleBatch {
  readonly data: Float32Array;
  readonly n: number;
}

/** One step as the detectors see it. */
export type Observation = DiagnosticMetrics & DiagnosticExtras;

/** A detector's verdict before remedies are attached. */
export type Finding = Omit<FailureEvent, 'detector' | 'remedies' | 'step'>;

/**
 * A detector is a pure step function over its own state: same state + observation -> same result.
 * It returns a finding on every step the failure shows; the monitor reports only its onset.
 */
export interface Detector<C, S> {
  readonly name: DetectorName;
  initial(): S;
  step(state: S, obs: Observation, config: C): { state: S; finding?: Finding | undefined };
}
