import * as tf from '@tensorflow/tfjs-core';
import type { StepMetrics } from '@ganforge/runs';
import type { DiscriminatorLosses } from '../losses/index.ts';
import type { ModelVariables } from './forward.ts';

/** What trainStep reports of a step: a metrics.jsonl line without the loop's own fields. */
export type StepResult = Omit<StepMetrics, 'step' | 'epoch' | 'imagesPerSec'>;

/** D's telemetry of a step. */
export interface DReading {
  readonly dLossReal: number;
  readonly dLossFake: number;
  readonly dReal: number;
  readonly dFake: number;
  readonly foolRate: number;
  /** An auxiliary-classifier D's class term w·(CE_real + CE_fake) (docs/techniques.md#class-conditioning). */
  readonly dClassLoss?: number;
  /** An auxiliary-classifier D's accuracy on the real batch's classes. */
  readonly dClassAccuracy?: number;
  readonly dGradNorm: number | null;
  readonly dLayerGradNorms: Record<string, number> | null;
}

/** G's telemetry of one G update. */
export interface GReading {
  /** Adversarial loss + moment-matching term. */
  readonly gLoss: number;
  readonly momentMatching: number;
  /** An auxiliary-classifier D's class term w·CE inside gLoss (absent otherwise). */
  readonly classTerm?: number;
  readonly gGradNorm: number | null;
  readonly gLayerGradNorms: Record<string, number> | null;
}

/** Per-variable sums of squares of the gradients (0 for a variable without one), as one [V] tensor. */
function gradientSquares(grads: tf.NamedTensorMap, vars: ModelVariables): tf.Tensor1D {
  if (vars.variables.length === 0) return tf.zeros([0]);
  return tf.stack(
    vars.variables.map((v) => {
      const g = grads[v.name];
      return g ? tf.sum(tf.square(g)) : tf.scalar(0);
    }),
  ) as tf.Tensor1D;
}

function globalNorm(squares: ArrayLike<number>, offset: number, count: number): number {
  let s = 0;
  for (let i = 0; i < count; i++) s += squares[offset + i] as number;
  return Math.sqrt(s);
}

function layerNorms(
  squares: ArrayLike<number>,
  offset: number,
  vars: ModelVariables,
): Record<string, number> {
  const perLayer: Record<string, number> = {};
  vars.layerKeys.forEach((key, i) => {
    perLayer[key] = (perLayer[key] ?? 0) + (squares[offset + i] as number);
  });
  for (const key of Object.keys(perLayer)) perLayer[key] = Math.sqrt(perLayer[key] as number);
  return perLayer;
}

/**
 * What a step measures (docs/techniques.md#monitoring), collected beside the updates rather than in
 * them: D's losses on the real and the fake batch, its mean outputs and the fool rate, G's loss and its
 * moment-matching term, and on every logging.gradNormEvery-th step the gradients' global and per-layer
 * norms. Each update records its values as tensors where it computes its loss (`record*`, inside the
 * gradient closure) and reads them back once, together with the gradient norms (`read*`), so a step
 * costs one read-back per update. Call `read*` inside a tf.tidy scope: it frees what it recorded.
 */
export class StepTelemetry {
  /** Whether this step measures the gradients' norms. */
  readonly measureNorms: boolean;
  #recorded: tf.Tensor | undefined;
  /** How many values were recorded (the gradients' sums of squares follow them in the read-back). */
  #count = 0;

  constructor(gradNormEvery: number, stepIndex: number) {
    this.measureNorms = gradNormEvery > 0 && stepIndex % gradNormEvery === 0;
  }

  /**
   * D's losses, mean sigmoid outputs on the real and the fake batch, and how many fakes D takes for real;
   * with an auxiliary-classifier D, its class term and its accuracy on the real batch too.
   */
  recordD(
    losses: DiscriminatorLosses,
    realLogits: tf.Tensor,
    fakeLogits: tf.Tensor,
    classes?: { readonly loss: tf.Scalar; readonly accuracy: tf.Scalar },
  ): void {
    const stats = [
      losses.dLossReal,
      losses.dLossFake,
      tf.mean(tf.sigmoid(realLogits)),
      tf.mean(tf.sigmoid(fakeLogits)),
      tf.mean(tf.cast(tf.greater(fakeLogits, 0), 'float32')),
    ];
    this.#record(tf.stack(classes ? [...stats, classes.loss, classes.accuracy] : stats));
  }

  readD(grads: tf.NamedTensorMap, vars: ModelVariables): DReading {
    const count = this.#count;
    const values = this.#read(grads, vars);
    const [dLossReal, dLossFake, dReal, dFake, foolRate] = Array.from(values.subarray(0, 5)) as number[];
    const classes =
      count > 5 ? { dClassLoss: values[5] as number, dClassAccuracy: values[6] as number } : undefined;
    return {
      dLossReal: dLossReal as number,
      dLossFake: dLossFake as number,
      dReal: dReal as number,
      dFake: dFake as number,
      foolRate: foolRate as number,
      ...classes,
      dGradNorm: this.measureNorms ? globalNorm(values, count, vars.variables.length) : null,
      dLayerGradNorms: this.measureNorms ? layerNorms(values, count, vars) : null,
    };
  }

  /** G's total loss, the moment-matching term inside it and an auxiliary-classifier D's class term. */
  recordG(total: tf.Scalar, momentMatching: tf.Scalar, classTerm?: tf.Scalar): void {
    this.#record(tf.stack(classTerm ? [total, momentMatching, classTerm] : [total, momentMatching]));
  }

  readG(grads: tf.NamedTensorMap, vars: ModelVariables): GReading {
    const count = this.#count;
    const values = this.#read(grads, vars);
    const [gLoss, momentMatching] = Array.from(values.subarray(0, 2)) as [number, number];
    return {
      gLoss,
      momentMatching,
      ...(count > 2 ? { classTerm: values[2] as number } : {}),
      gGradNorm: this.measureNorms ? globalNorm(values, count, vars.variables.length) : null,
      gLayerGradNorms: this.measureNorms ? layerNorms(values, count, vars) : null,
    };
  }

  #record(stats: tf.Tensor): void {
    this.#recorded = tf.keep(stats);
    this.#count = stats.shape[0] ?? 0;
  }

  /** The recorded values, then (when measuring) the gradients' sums of squares: one read-back. */
  #read(grads: tf.NamedTensorMap, vars: ModelVariables): Float32Array {
    const stats = this.#recorded;
    if (stats === undefined) throw new Error('internal: telemetry read before it was recorded');
    this.#recorded = undefined;
    const values = (
      this.measureNorms ? tf.concat([stats, gradientSquares(grads, vars)]) : stats
    ).dataSync() as Float32Array;
    stats.dispose();
    return values;
  }
}

/** A step's metrics from its D and G readings, in the order of a metrics.jsonl line. */
export function stepMetrics(
  args: {
    readonly d: DReading;
    /** The last G update's reading; undefined when G was not scheduled. */
    readonly g: GReading | undefined;
  } & Pick<
    StepMetrics,
    'dUpdates' | 'gUpdates' | 'skippedD' | 'skippedG' | 'l2' | 'noiseSigma' | 'lrG' | 'lrD'
  >,
): StepResult {
  const { d, g } = args;
  return {
    dLossReal: d.dLossReal,
    dLossFake: d.dLossFake,
    gLoss: g ? g.gLoss : null,
    momentMatching: g ? g.momentMatching : null,
    dReal: d.dReal,
    dFake: d.dFake,
    foolRate: d.foolRate,
    ...(d.dClassAccuracy === undefined ? {} : { dClassAccuracy: d.dClassAccuracy }),
    gGradNorm: g ? g.gGradNorm : null,
    dGradNorm: d.dGradNorm,
    gLayerGradNorms: g ? g.gLayerGradNorms : null,
    dLayerGradNorms: d.dLayerGradNorms,
    dUpdates: args.dUpdates,
    gUpdates: args.gUpdates,
    skippedD: args.skippedD,
    skippedG: args.skippedG,
    l2: args.l2,
    noiseSigma: args.noiseSigma,
    lrG: args.lrG,
    lrD: args.lrD,
  };
}
