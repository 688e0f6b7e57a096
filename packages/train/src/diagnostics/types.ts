import type { StepMetrics } from '../loop/metrics.ts';

/** The failure modes the training literature names (docs/techniques.md#failure-detectors). */
export type DetectorName =
  'nonFinite' | 'explodingGradients' | 'discriminatorOverpowering' | 'modeCollapse' | 'oscillation';

export type Severity = 'warning' | 'critical';

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

/** A config change that may help, with the article that gives it. */
export interface Remedy {
  /** Config key path, e.g. 'techniques.instanceNoise' or 'discriminator.dropout'. */
  readonly technique: string;
  /** What to do and why, in the source's terms. */
  readonly text: string;
  /**
   * Where the technique and the public sources that give it are documented: an anchor of
   * docs/techniques.md, e.g. 'docs/techniques.md#margin-balance'.
   */
  readonly source: string;
  /** Whether `--on-failure rescue` can switch it on mid-run (no change to the networks' weights). */
  readonly rescuable: boolean;
}

/** What a detector reports: enough to act on, JSON-serializable (one line of events.jsonl). */
export interface FailureEvent {
  /** Step at which the detector fired. */
  readonly step: number;
  /** First step of the evidence (e.g. the start of the window); a rescue rolls back to before it. */
  readonly onsetStep: number;
  readonly detector: DetectorName;
  readonly severity: Severity;
  readonly message: string;
  /** The numbers behind the verdict. */
  readonly evidence: Readonly<Record<string, number | string | null>>;
  readonly remedies: readonly Remedy[];
}

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
