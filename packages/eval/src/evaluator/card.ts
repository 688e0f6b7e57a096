import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { GanforgeError } from '@ganforge/core';

/**
 * The evaluator card (models/evaluators/<name>/card.json): what the evaluator classifier takes and gives,
 * how it was trained and how accurate it is. `sha256` is the hash of the model.onnx beside it; every
 * evaluation result records it, so two results are comparable only when it matches.
 */
export const EvaluatorCardSchema = z.object({
  name: z.string().min(1),
  description: z.string().optional(),
  dataset: z.object({
    name: z.string().min(1),
    numClasses: z.int().min(2),
    classNames: z.array(z.string()),
  }),
  input: z.object({
    name: z.string().min(1),
    height: z.int().positive(),
    width: z.int().positive(),
    channels: z.literal([1, 3]),
    valueRange: z.tuple([z.literal(-1), z.literal(1)]),
  }),
  outputs: z.object({
    logits: z.string().min(1),
    probabilities: z.string().min(1),
    features: z.string().min(1),
  }),
  /** The feature space of the distribution metrics: the penultimate layer's activations. */
  featureLayer: z.object({ name: z.string().min(1), dim: z.int().positive(), description: z.string() }),
  /** Top-1 accuracy of model.onnx (onnxruntime-node) on the dataset's whole test split. */
  testAccuracy: z.number().min(0).max(1),
  testSize: z.int().positive(),
  training: z.object({
    split: z.string(),
    size: z.int().positive(),
    epochs: z.int().positive(),
    batchSize: z.int().positive(),
    optimizer: z.record(z.string(), z.union([z.string(), z.number()])),
    seconds: z.number().nonnegative(),
    backend: z.object({ name: z.string(), version: z.string(), threads: z.int().positive() }),
    seed: z.int(),
  }),
  /** max |onnxruntime - tfjs| over a batch of test images, per output. */
  parity: z.object({ maxAbsDiff: z.record(z.string(), z.number().nonnegative()), batch: z.int().positive() }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  onnx: z.object({ opset: z.int().positive(), irVersion: z.int().positive() }),
  createdAt: z.iso.datetime({ offset: true }),
  ganforgeVersion: z.string().min(1),
});

export type EvaluatorCard = z.infer<typeof EvaluatorCardSchema>;

/** Reads and validates an evaluator card; GanforgeError('bad_evaluator_card') names the file and field. */
export function readEvaluatorCard(file: string): EvaluatorCard {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GanforgeError(
      'bad_evaluator_card',
      `cannot read evaluator card ${file}: ${(e as Error).message}`,
      {
        hint: 'regenerate it with: node --import tsx scripts/train-evaluators.ts',
        cause: e,
      },
    );
  }
  const parsed = EvaluatorCardSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(card)';
    throw new GanforgeError(
      'bad_evaluator_card',
      `evaluator card ${file} field '${field}': ${issue?.message ?? 'invalid'}`,
      {
        hint: 'regenerate it with: node --import tsx scripts/train-evaluators.ts',
      },
    );
  }
  return parsed.data;
}
