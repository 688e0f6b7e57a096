import { GanforgeError } from '@ganforge/core';
import type { MetricsReport } from './compute-metrics.ts';
import { computeMetrics } from './compute-metrics.ts';
import type { ConditionalEvaluation } from './conditional-metrics.ts';
import { computeConditionalMetrics } from './conditional-metrics.ts';
import type { Evaluator } from './evaluator/session.ts';
import { runEvaluator } from './evaluator/session.ts';
import type { ClassReferenceSet, ReferenceSet } from './reference.ts';
import type { SampleClasses } from './sampling/samples.ts';

/** Everything that decides the numbers: two results are comparable only when their protocols match. */
export interface EvaluationProtocol {
  readonly evaluator: {
    readonly name: string;
    readonly sha256: string;
    readonly featureLayer: string;
    readonly featureDim: number;
  };
  readonly samples: number;
  readonly reference: {
    readonly dataset: string;
    readonly split: string;
    readonly count: number;
    readonly seed: number;
  };
  /** Seed of the generated samples (the latent seed), as given by the caller. */
  readonly seed: number;
  /** k of the k-NN manifolds (precision/recall, density/coverage). */
  readonly k: number;
  /** The truncation trick the latents were drawn with; absent: the untruncated prior. */
  readonly truncation?: number;
  /**
   * Class-conditional generators only: how many classes and how the samples' classes were drawn
   * ('balanced': sample i has class i mod classes), for every metric.
   */
  readonly conditioning?: { readonly classes: number; readonly draw: 'balanced' };
}

export interface EvaluationResult extends MetricsReport {
  readonly protocol: EvaluationProtocol;
  /** Class-conditional generators only: conditional accuracy and per-class FD (or why they were skipped). */
  readonly conditional?: ConditionalEvaluation;
}

/** What a class-conditional generator's evaluation needs beyond the images. */
export interface ConditionalInput {
  /** The class each sample was generated for (balancedClasses). */
  readonly classes: SampleClasses;
  /** Real images per class (loadClassReference); when absent the conditional metrics are skipped. */
  readonly reference?: ClassReferenceSet | undefined;
  /** Why they are skipped (conditionalSkipReason), when there is no reference. */
  readonly skipped?: string | undefined;
}

export interface EvaluateOptions {
  /** Generated images, NHWC float32 in [-1, 1]. */
  readonly samples: Float32Array;
  /** Shape of one generated image; must equal the evaluator's input. */
  readonly imageShape: { readonly height: number; readonly width: number; readonly channels: number };
  readonly evaluator: Evaluator;
  readonly reference: ReferenceSet;
  /** Seed the samples were generated with (recorded in the protocol). */
  readonly seed: number;
  /** k-NN size for precision/recall and density/coverage (default 5, as in both papers). */
  readonly k?: number;
  /** The truncation the samples' latents were drawn with (recorded in the protocol). */
  readonly truncation?: number;
  /** Class-conditional generators: the samples' classes and the per-class reference. */
  readonly conditional?: ConditionalInput;
}

export const DEFAULT_K = 5;

/**
 * Runs the evaluator (onnxruntime-node) on the generated and the reference images and computes every metric.
 * Throws GanforgeError('shape_mismatch') when the images do not fit the evaluator.
 */
export async function evaluate(opts: EvaluateOptions): Promise<EvaluationResult> {
  const { evaluator, reference } = opts;
  const input = evaluator.card.input;
  const { height, width, channels } = opts.imageShape;
  if (height !== input.height || width !== input.width || channels !== input.channels) {
    throw new GanforgeError(
      'shape_mismatch',
      `the generator makes ${height}x${width}x${channels} images; evaluator '${evaluator.name}' takes ${input.height}x${input.width}x${input.channels}`,
      {
        hint: `use an evaluator trained on ${height}x${width}x${channels} images, or a generator for ${evaluator.card.dataset.name}`,
      },
    );
  }
  const per = height * width * channels;
  const n = opts.samples.length / per;
  const k = opts.k ?? DEFAULT_K;
  if (!Number.isInteger(n) || n <= k) {
    throw new GanforgeError(
      'bad_option',
      `${opts.samples.length / per} generated images are too few for k = ${k}`,
      {
        hint: `generate more than ${k} images (e.g. --n 1000)`,
      },
    );
  }
  if (reference.n <= k) {
    throw new GanforgeError('bad_option', `${reference.n} reference images are too few for k = ${k}`, {
      hint: 'use a larger reference set',
    });
  }
  const cond = opts.conditional;
  if (cond !== undefined && cond.classes.labels.length !== n) {
    throw new RangeError(`${cond.classes.labels.length} class labels for ${n} generated images`);
  }
  const generated = await runEvaluator(evaluator, opts.samples);
  const real = await runEvaluator(evaluator, reference.images);
  const report = computeMetrics(generated, real, k);
  let conditional: ConditionalEvaluation | undefined;
  if (cond !== undefined) {
    const { numClasses, labels } = cond.classes;
    const base = { numClasses, classDraw: 'balanced' as const };
    if (cond.reference === undefined) {
      conditional = { ...base, skipped: cond.skipped ?? 'no real images per class to compare with' };
    } else {
      const realByClass = await runEvaluator(evaluator, cond.reference.images);
      const names = cond.classes.classNames ?? evaluator.card.dataset.classNames;
      conditional = {
        ...base,
        ...computeConditionalMetrics(generated, labels, realByClass, cond.reference.labels, names),
      };
    }
  }
  return {
    ...report,
    protocol: {
      evaluator: {
        name: evaluator.name,
        sha256: evaluator.sha256,
        featureLayer: evaluator.card.featureLayer.name,
        featureDim: evaluator.card.featureLayer.dim,
      },
      samples: n,
      reference: {
        dataset: reference.dataset,
        split: reference.split,
        count: reference.n,
        seed: reference.seed,
      },
      seed: opts.seed,
      k,
      ...(opts.truncation !== undefined ? { truncation: opts.truncation } : {}),
      ...(cond !== undefined
        ? { conditioning: { classes: cond.classes.numClasses, draw: 'balanced' as const } }
        : {}),
    },
    ...(conditional !== undefined ? { conditional } : {}),
  };
}
