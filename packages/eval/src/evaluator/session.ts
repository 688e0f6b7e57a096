import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { GanforgeError } from '@ganforge/core';
import type { EvaluatorCard } from './card.ts';
import { readEvaluatorCard } from './card.ts';

/** The evaluators shipped with ganforge: <repo>/models/evaluators/<name>/{model.onnx,card.json}. */
export const EVALUATORS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../models/evaluators',
);
export const SHIPPED_EVALUATORS = ['mnist', 'fashion-mnist'] as const;
export const EVALUATOR_MODEL_FILE = 'model.onnx';
export const EVALUATOR_CARD_FILE = 'card.json';

/** A loaded evaluator classifier: its ONNX session and card. */
export interface Evaluator {
  readonly name: string;
  readonly dir: string;
  readonly card: EvaluatorCard;
  /** sha256 of model.onnx as read (checked against the card). */
  readonly sha256: string;
  readonly session: ort.InferenceSession;
}

/** What the evaluator says about a set of images. */
export interface EvaluatorOutputs {
  readonly n: number;
  readonly numClasses: number;
  readonly featureDim: number;
  /** p(y|x), n x numClasses row-major. */
  readonly probabilities: Float32Array;
  /** Penultimate-layer features, n x featureDim row-major. */
  readonly features: Float32Array;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Loads an evaluator by shipped name ('mnist', 'fashion-mnist') or by folder path. The model's sha256 must
 * match its card (a stale or edited model would silently change every metric).
 */
export async function loadEvaluator(nameOrDir: string): Promise<Evaluator> {
  const dir = (SHIPPED_EVALUATORS as readonly string[]).includes(nameOrDir)
    ? join(EVALUATORS_DIR, nameOrDir)
    : resolve(nameOrDir);
  const modelFile = join(dir, EVALUATOR_MODEL_FILE);
  if (!existsSync(modelFile)) {
    throw new GanforgeError(
      'evaluator_not_found',
      `no evaluator at ${dir} (missing ${EVALUATOR_MODEL_FILE})`,
      {
        hint: `use one of: ${SHIPPED_EVALUATORS.join(', ')}, or a folder with model.onnx + card.json`,
      },
    );
  }
  const card = readEvaluatorCard(join(dir, EVALUATOR_CARD_FILE));
  const bytes = readFileSync(modelFile);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== card.sha256) {
    throw new GanforgeError(
      'evaluator_mismatch',
      `${modelFile} has sha256 ${sha256.slice(0, 12)}..., its card says ${card.sha256.slice(0, 12)}...`,
      {
        hint: 'restore the shipped files or retrain with: node --import tsx scripts/train-evaluators.ts',
      },
    );
  }
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return { name: card.name, dir, card, sha256, session };
}

/** Pixels per image the evaluator expects (H*W*C). */
export function evaluatorImageSize(card: EvaluatorCard): number {
  return card.input.height * card.input.width * card.input.channels;
}

/** Runs the evaluator over n NHWC images in [-1, 1], in batches. */
export async function runEvaluator(
  ev: Evaluator,
  images: Float32Array,
  batchSize = 500,
): Promise<EvaluatorOutputs> {
  const { card } = ev;
  const per = evaluatorImageSize(card);
  if (images.length === 0 || images.length % per !== 0) {
    throw new GanforgeError(
      'shape_mismatch',
      `evaluator '${card.name}' takes ${card.input.height}x${card.input.width}x${card.input.channels} images; got ${images.length} values, not a multiple of ${per}`,
      { hint: `feed images of shape [N, ${card.input.height}, ${card.input.width}, ${card.input.channels}]` },
    );
  }
  const n = images.length / per;
  const k = card.dataset.numClasses;
  const d = card.featureLayer.dim;
  const probabilities = new Float32Array(n * k);
  const features = new Float32Array(n * d);
  for (let start = 0; start < n; start += batchSize) {
    const b = Math.min(batchSize, n - start);
    const input = new ort.Tensor('float32', images.subarray(start * per, (start + b) * per), [
      b,
      card.input.height,
      card.input.width,
      card.input.channels,
    ]);
    const out = await ev.session.run({ [card.input.name]: input }, [
      card.outputs.probabilities,
      card.outputs.features,
    ]);
    probabilities.set(out[card.outputs.probabilities]?.data as Float32Array, start * k);
    features.set(out[card.outputs.features]?.data as Float32Array, start * d);
  }
  return { n, numClasses: k, featureDim: d, probabilities, features };
}

/** Index of the largest probability per row. */
export function predictedClasses(
  out: Pick<EvaluatorOutputs, 'n' | 'numClasses' | 'probabilities'>,
): Int32Array {
  const labels = new Int32Array(out.n);
  for (let i = 0; i < out.n; i++) {
    let best = 0;
    for (let c = 1; c < out.numClasses; c++) {
      if (
        (out.probabilities[i * out.numClasses + c] as number) >
        (out.probabilities[i * out.numClasses + best] as number)
      )
        best = c;
    }
    labels[i] = best;
  }
  return labels;
}
