import { z } from 'zod';

/**
 * The model card: everything a consumer needs to use an exported generator correctly (what to feed
 * it, what comes out, how it was made and how good it is), stored next to model.onnx as card.json.
 * Plain JSON data; unknown keys are dropped on parse.
 */

const name = z.string().trim().min(1);
const positiveInt = z.number().int().positive();
const count = z.number().int().nonnegative();

/** The path of the first value inside `value` that JSON cannot hold as is, or undefined if none. */
function firstNonJson(
  value: unknown,
  path: (string | number)[],
  seen: Set<object>,
): (string | number)[] | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || seen.has(value)) return path;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return path;
  seen.add(value);
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [k, v] of entries) {
    const bad = firstNonJson(v, [...path, k], seen);
    if (bad) return bad;
  }
  seen.delete(value);
  return undefined;
}

/** An object of plain JSON data (strings, finite numbers, booleans, null, arrays, plain objects). */
const plainData = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const bad = firstNonJson(value, [], new Set());
  if (bad) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected plain JSON data (string, finite number, boolean, null, array or object)',
      path: bad,
    });
  }
});

export const LatentSpecSchema = z.object({
  /** Components of z, the generator's input size. */
  size: positiveInt,
  /** The prior z is drawn from: uniform = U(-1, 1), normal = N(0, 1). */
  distribution: z.enum(['uniform', 'normal']),
});

/** A class name: any non-blank string, kept as written (not trimmed). */
const className = z.string().refine((s) => s.trim() !== '', 'expected a non-empty class name');

/**
 * A class-conditional model's second input. `input` is the ONNX graph input (ganforge writes 'class'): int64
 * [N], one class id per sample. `classes` names every class, the index being the class id, so its length is
 * the class count; a server must reject an id outside [0, classes.length) before running the model (the
 * graph does not clamp one). A card without this section is an unconditional model.
 */
export const ConditioningSchema = z.object({
  input: z.string().min(1),
  classes: z
    .array(className)
    .min(1, 'expected at least one class')
    .superRefine((names, ctx) => {
      const first = new Map<string, number>();
      names.forEach((n, i) => {
        const j = first.get(n);
        if (j === undefined) first.set(n, i);
        else ctx.addIssue({ code: 'custom', message: `duplicate class name (also class ${j})`, path: [i] });
      });
    }),
});

export const OutputSpecSchema = z.object({
  height: positiveInt,
  width: positiveInt,
  channels: z.literal([1, 3], { error: 'expected 1 or 3' }),
  /** Pixel values of the output (tanh): always [-1, 1]; map to 8 bits with toUint8Pixels. */
  valueRange: z.tuple([z.literal(-1), z.literal(1)]),
});

export const DatasetInfoSchema = z.object({
  name,
  split: z.string().min(1).optional(),
  /** Number of training examples. */
  size: count.optional(),
});

export const BackendInfoSchema = z.object({
  /** e.g. 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'. */
  name,
  version: z.string().min(1),
  threads: positiveInt,
  /** wasm only: what computed convolutions and matmuls, e.g. 'onnxruntime-node 1.30.0, 1 thread' or 'XNNPACK (wasm)'. */
  gemm: z.string().min(1).optional(),
});

export const TrainingInfoSchema = z.object({
  /** A summary of the training config (architecture, loss, techniques switched on, optimizers). */
  config: plainData,
  stepsTrained: count,
  backend: BackendInfoSchema,
  seed: z.number().int(),
  /** The command lines that trained it, in order (the start, then each resume), when recorded. */
  commands: z.array(z.string().min(1)).optional(),
});

export const EvaluationSchema = z.object({
  /** Metric name -> value, e.g. { fid: 12.3, classifierScore: 8.1 }. */
  metrics: z.record(z.string(), z.number().refine(Number.isFinite, 'expected a finite number')),
  /** How the metrics were measured (samples, reference set, classifier, seed...). */
  protocol: plainData,
});

export const ParitySchema = z.object({
  /** Runtime name (e.g. 'onnxruntime-node', 'onnxruntime-web') -> max |onnx - tfjs| over the batch. */
  maxAbsDiff: z.record(z.string(), z.number().nonnegative()),
  tolerance: z.number().positive(),
  /** Number of latent vectors compared. */
  batch: positiveInt,
});

export const OnnxInfoSchema = z.object({
  opset: positiveInt,
  irVersion: positiveInt,
  inputName: z.string().min(1),
  outputName: z.string().min(1),
});

/**
 * Serving limits the model itself asks for (e.g. a large generator whose session.run needs too much memory
 * past some batch size). Each is a cap, never a raise: a server uses min(card value, its own setting), so
 * the operator's flags stay the ceiling and an old card without this section serves as before (see
 * packages/serve/src/registry/serving-limits.ts). Unknown keys are dropped, like the rest of the card.
 */
export const ServingLimitsSchema = z.object({
  /** Most latents per session.run (one merged batch) for this model. */
  maxBatch: positiveInt.optional(),
  /** Most samples (or interpolation frames) one request may ask of this model. */
  maxSamplesPerRequest: positiveInt.optional(),
});

export const ModelCardSchema = z.object({
  name,
  description: z.string().optional(),
  network: z.enum(['generator', 'discriminator']),
  latent: LatentSpecSchema,
  conditioning: ConditioningSchema.optional(),
  output: OutputSpecSchema,
  dataset: DatasetInfoSchema,
  training: TrainingInfoSchema,
  evaluation: EvaluationSchema.optional(),
  parity: ParitySchema.optional(),
  onnx: OnnxInfoSchema,
  serving: ServingLimitsSchema.optional(),
  /** ISO 8601 date-time with a time zone, e.g. 2026-11-23T19:00:00Z. */
  createdAt: z.iso.datetime({ offset: true }),
  ganforgeVersion: z.string().min(1),
});

export type ModelCard = z.infer<typeof ModelCardSchema>;
export type ServingLimits = z.infer<typeof ServingLimitsSchema>;
export type Conditioning = z.infer<typeof ConditioningSchema>;
