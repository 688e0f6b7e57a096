/**
 * One line of a run's events.jsonl: a failure the detectors saw, with the remedies the training
 * literature gives for it (docs/techniques.md#failure-detectors).
 */

/** The failure modes the training literature names (docs/techniques.md#failure-detectors). */
export type DetectorName =
  'nonFinite' | 'explodingGradients' | 'discriminatorOverpowering' | 'modeCollapse' | 'oscillation';

export type Severity = 'warning' | 'critical';

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
