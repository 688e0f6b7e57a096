/**
 * One line of metrics.jsonl: what the GAN training literature says to watch, per step
 * (docs/techniques.md#monitoring).
 * Losses are those of this step's forward passes, before the step's update.
 */
export interface StepMetrics {
  /** Steps completed, counting this one (1-based). One step = one real batch. */
  readonly step: number;
  /** Epoch the batch came from (0-based). */
  readonly epoch: number;
  /** D loss on the real batch (err_R). */
  readonly dLossReal: number;
  /** D loss on the fake batch (err_F). */
  readonly dLossFake: number;
  /** G loss of the last G update this step (adversarial term + moment matching), null when G was not scheduled. */
  readonly gLoss: number | null;
  /** The moment-matching term inside gLoss (0 when off), null when G was not scheduled. */
  readonly momentMatching: number | null;
  /** mean sigmoid(D(x)) over the real batch. */
  readonly dReal: number;
  /** mean sigmoid(D(G(z))) over the fake batch. */
  readonly dFake: number;
  /** Fraction of fakes that D scores as real (D(G(z)) > 0.5): how often G fools D. */
  readonly foolRate: number;
  /**
   * Class-conditional runs with an auxiliary-classifier D only (absent otherwise): the share of the real
   * batch whose class D's class logits get right (argmax = label) (docs/techniques.md#class-conditioning).
   */
  readonly dClassAccuracy?: number;
  /**
   * Global L2 norm of G's gradient and of D's gradient: null when the network was not updated
   * this step, or on steps between logging.gradNormEvery.
   */
  readonly gGradNorm: number | null;
  readonly dGradNorm: number | null;
  /** L2 norm of the gradient per layer, keyed "<index>_<class>" (e.g. "01_dense"); null as above. */
  readonly gLayerGradNorms: Record<string, number> | null;
  readonly dLayerGradNorms: Record<string, number> | null;
  /** D / G updates applied this step. */
  readonly dUpdates: number;
  readonly gUpdates: number;
  /** Whether margin balance skipped the D / G update this step. */
  readonly skippedD: boolean;
  readonly skippedG: boolean;
  /** D's L2 coefficient used this step (adaptive L2; 0 when off). */
  readonly l2: number;
  /** Instance-noise sigma used this step (0 when off). */
  readonly noiseSigma: number;
  /** Learning rates of G and D. */
  readonly lrG: number;
  readonly lrD: number;
  /** Real images processed per second this step (wall clock). */
  readonly imagesPerSec: number;
}

/** Metrics that depend on the wall clock; excluded when comparing runs. */
export const TIMING_METRICS: readonly (keyof StepMetrics)[] = ['imagesPerSec'];

/** True when every loss of the step is a finite number. */
export function lossesFinite(m: Pick<StepMetrics, 'dLossReal' | 'dLossFake' | 'gLoss'>): boolean {
  return (
    Number.isFinite(m.dLossReal) &&
    Number.isFinite(m.dLossFake) &&
    (m.gLoss === null || Number.isFinite(m.gLoss))
  );
}
