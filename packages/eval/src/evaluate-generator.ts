import { existsSync, statSync } from 'node:fs';
import { GanforgeError } from '@ganforge/core';
import type { BackendName } from '@ganforge/backend';
import { conditionalSkipReason } from './conditional-metrics.ts';
import type { ConditionalInput, EvaluationResult } from './evaluate.ts';
import { DEFAULT_K, evaluate } from './evaluate.ts';
import type { Evaluator } from './evaluator/session.ts';
import { loadEvaluator, SHIPPED_EVALUATORS } from './evaluator/session.ts';
import { classCounts } from './metrics/conditional.ts';
import { loadClassReference, loadReference } from './reference.ts';
import { recordRunEvaluation } from './run-evaluation.ts';
import { isModelDir, sampleModelDir, writeCardEvaluation } from './sampling/model-dir.ts';
import { sampleRunDir } from './sampling/run-dir.ts';
import type { GeneratedSamples } from './sampling/samples.ts';

export interface EvaluateGeneratorOptions {
  /** A model folder (model.onnx + card.json), a run folder or a checkpoint folder. */
  readonly path: string;
  /** 'auto' (the generator's dataset), a shipped evaluator name, or an evaluator folder. */
  readonly evaluator: string;
  readonly n: number;
  readonly seed: number;
  readonly k?: number;
  readonly referenceSplit?: 'train' | 'test';
  /** Run folders only: which checkpoint (default: the latest). */
  readonly step?: number;
  /** Run folders only: tfjs backend for the generator. */
  readonly backend?: BackendName | 'auto';
  /** Model folders only: store the result in card.json's `evaluation`. */
  readonly writeCard?: boolean;
  /**
   * The truncation trick for the generated latents (core's sampleLatents: a normal latent resampled
   * beyond |t|, a uniform one scaled by t). Recorded in the protocol; such a result is neither written to
   * a card nor recorded in a run, whose evaluations are the untruncated prior's.
   */
  readonly truncation?: number;
}

export interface GeneratorEvaluation extends EvaluationResult {
  readonly source: GeneratedSamples['source'];
  readonly cardUpdated: boolean;
  /** Run sources: where the result was recorded (<run>/eval/step-XXXXXX.json; export puts it in the card). */
  readonly recorded?: string;
}

function evaluatorFor(flag: string, dataset: string | undefined): string {
  if (flag !== 'auto') return flag;
  if (dataset !== undefined && (SHIPPED_EVALUATORS as readonly string[]).includes(dataset)) return dataset;
  throw new GanforgeError('no_evaluator', `no shipped evaluator for dataset '${dataset ?? 'unknown'}'`, {
    hint: `name one with --evaluator ${SHIPPED_EVALUATORS.join('|')} (or an evaluator folder)`,
  });
}

/**
 * A class-conditional generator's classes and, when the evaluator knows them, the real images per class
 * (as many per class as were generated, or all the split has); undefined for an unconditional generator.
 */
async function conditionalInput(
  samples: GeneratedSamples,
  evaluator: Evaluator,
  reference: { dataset: 'mnist' | 'fashion-mnist'; split: 'train' | 'test'; seed: number },
): Promise<ConditionalInput | undefined> {
  const classes = samples.conditioning;
  if (classes === undefined) return undefined;
  const skipped = conditionalSkipReason(classes, evaluator.card, samples.source.dataset);
  if (skipped !== undefined) return { classes, skipped };
  const perClass = classCounts(classes.labels, classes.numClasses);
  return { classes, reference: await loadClassReference({ ...reference, perClass }) };
}

/** Samples a generator (exported model or training run) and evaluates it against real images. */
export async function evaluateGenerator(opts: EvaluateGeneratorOptions): Promise<GeneratorEvaluation> {
  if (!existsSync(opts.path) || !statSync(opts.path).isDirectory()) {
    throw new GanforgeError('not_found', `no such directory: ${opts.path}`, {
      hint: 'pass a model folder (model.onnx + card.json) or a run folder (runs/<name>)',
    });
  }
  const model = isModelDir(opts.path);
  if (opts.writeCard && !model) {
    throw new GanforgeError(
      'bad_option',
      `--write-card needs a model folder; ${opts.path} has no model.onnx + card.json`,
      {
        hint: 'export the run first (ganforge export), or drop --write-card and use --out',
      },
    );
  }
  if (opts.writeCard && opts.truncation !== undefined) {
    throw new GanforgeError(
      'bad_option',
      `--write-card with --truncation ${opts.truncation}: a card's evaluation is the untruncated generator's`,
      { hint: 'drop --truncation to update the card, or drop --write-card and keep the result with --out' },
    );
  }
  const truncation = opts.truncation !== undefined ? { truncation: opts.truncation } : {};
  const samples = model
    ? await sampleModelDir(opts.path, opts.n, opts.seed, truncation)
    : await sampleRunDir(opts.path, opts.n, opts.seed, {
        ...(opts.step !== undefined ? { step: opts.step } : {}),
        ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
        ...truncation,
      });
  const evaluator = await loadEvaluator(evaluatorFor(opts.evaluator, samples.source.dataset));
  try {
    const dataset = evaluator.card.dataset.name;
    if (dataset !== 'mnist' && dataset !== 'fashion-mnist') {
      throw new GanforgeError(
        'no_reference',
        `evaluator '${evaluator.name}' was trained on '${dataset}', which has no built-in reference images`,
        {
          hint: 'use --evaluator mnist or fashion-mnist',
        },
      );
    }
    const input = evaluator.card.input;
    const { height, width, channels } = samples.imageShape;
    if (height !== input.height || width !== input.width || channels !== input.channels) {
      throw new GanforgeError(
        'shape_mismatch',
        `${opts.path} generates ${height}x${width}x${channels} images; evaluator '${evaluator.name}' takes ${input.height}x${input.width}x${input.channels}`,
        {
          hint: `evaluate a ${input.height}x${input.width}x${input.channels} generator, or pick an evaluator for this image size`,
        },
      );
    }
    const split = opts.referenceSplit ?? 'test';
    const reference = await loadReference({
      dataset,
      split,
      n: Math.min(opts.n, split === 'test' ? 10_000 : 60_000),
      seed: opts.seed,
    });
    const conditional = await conditionalInput(samples, evaluator, { dataset, split, seed: opts.seed });
    const result = await evaluate({
      samples: samples.images,
      imageShape: samples.imageShape,
      evaluator,
      reference,
      seed: opts.seed,
      k: opts.k ?? DEFAULT_K,
      ...truncation,
      ...(conditional !== undefined ? { conditional } : {}),
    });
    if (opts.writeCard) {
      writeCardEvaluation(opts.path, {
        metrics: { ...result.metrics },
        protocol: JSON.parse(JSON.stringify(result.protocol)) as Record<string, unknown>,
      });
    }
    const evaluation: GeneratorEvaluation = {
      ...result,
      source: samples.source,
      cardUpdated: Boolean(opts.writeCard),
    };
    const { runDir, step } = samples.source;
    if (runDir === undefined || step === undefined || opts.truncation !== undefined) return evaluation;
    return { ...evaluation, recorded: recordRunEvaluation(runDir, step, evaluation) };
  } finally {
    await evaluator.session.release();
  }
}
