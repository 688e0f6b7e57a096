import { z } from 'zod';

/** Request limits that shape the schemas (and so the OpenAPI document). */
export interface RequestLimits {
  /** Most samples (or interpolation frames) one request may ask for. */
  readonly maxN: number;
}

const seed = z
  .number()
  .int()
  .min(0)
  .max(0xffffffff)
  .describe('PRNG seed; the same seed gives the same latents as the browser sampler');
const truncation = z
  .number()
  .positive()
  .max(10)
  .describe(
    'truncation trick: latents are redrawn/clamped to this magnitude (smaller = more typical, less diverse)',
  );
const grid = z
  .object({
    columns: z.number().int().min(1).max(256).optional().describe('images per row (default: ceil(sqrt(n)))'),
    padding: z.number().int().min(0).max(32).default(2).describe('pixels between images'),
  })
  .strict();

/** A class of a class-conditional model: its index, or its name (see classes.ts); checked against the model. */
const classRef = z
  .union([z.number(), z.string().min(1).max(200)])
  .describe(
    "class-conditional models: the class, by index (0..K-1) or by name (the card's conditioning.classes)",
  );

export const SAMPLE_FORMATS = ['png', 'webp', 'json', 'npy'] as const;
export const ANIMATION_FORMATS = ['gif', 'webp', 'png', 'json', 'npy'] as const;

/** Builds the request schemas for the given limits; the same objects validate requests and feed /openapi.json. */
export function requestSchemas(limits: RequestLimits) {
  const n = z.number().int().min(1).max(limits.maxN).describe(`number of samples, 1..${limits.maxN}`);
  const latents = z
    .array(z.array(z.number()).min(1))
    .min(1)
    .max(limits.maxN)
    .describe("explicit latent vectors, one per sample (each of the model's latent size); replaces seed");

  const samples = z
    .object({
      n: n
        .optional()
        .describe(`number of samples, 1..${limits.maxN} (default 1, or the number of latents given)`),
      seed: seed.default(0),
      latents: latents.optional(),
      truncation: truncation.optional(),
      class: classRef
        .optional()
        .describe(
          'class-conditional models: the class of every sample, by index (0..K-1) or name; without class or classes, sample i is class i mod K',
        ),
      classes: z
        .array(classRef)
        .min(1)
        .max(limits.maxN)
        .optional()
        .describe(
          'class-conditional models: one class per sample (index or name), exactly n of them (n defaults to their count); not with class',
        ),
      format: z
        .enum(SAMPLE_FORMATS)
        .default('png')
        .describe('png/webp: one grid image; json: float arrays; npy: float32 NHWC array'),
      grid: grid.optional(),
    })
    .strict();

  const samplesQuery = z
    .object({
      seed: z.coerce.number().pipe(seed).default(0),
      n: z.coerce.number().pipe(n).default(Math.min(16, limits.maxN)),
      columns: z.coerce.number().pipe(z.number().int().min(1).max(256)).optional(),
      padding: z.coerce.number().pipe(z.number().int().min(0).max(32)).default(2),
      truncation: z.coerce.number().pipe(truncation).optional(),
      class: z
        .string()
        .min(1)
        .max(200)
        .optional()
        .describe(
          'class-conditional models: the class of every sample, by index (0..K-1) or name; without it, sample i is class i mod K',
        ),
      layout: z
        .enum(['grid', 'per-class'])
        .default('grid')
        .describe(
          'grid: n samples in rows of `columns`; per-class (class-conditional models): one row per class, n samples each, column j the same latent (seed, j) in every row; n then defaults to 8 lowered to fit n x K in the per-request limit, and class and columns are not taken',
        ),
    })
    .strict();

  const interpolations = z
    .object({
      seeds: z
        .array(seed)
        .min(2)
        .max(16)
        .optional()
        .describe('waypoints: the walk visits the latent of each seed in turn'),
      from: seed.optional().describe('start seed (with `to`, instead of `seeds`)'),
      to: seed.optional().describe('end seed'),
      steps: z
        .number()
        .int()
        .min(2)
        .max(limits.maxN)
        .default(Math.min(16, limits.maxN))
        .describe('frames per segment, both ends included'),
      mode: z
        .enum(['linear', 'spherical'])
        .default('spherical')
        .describe('straight line, or great circle (slerp)'),
      truncation: truncation.optional(),
      class: classRef
        .optional()
        .describe('class-conditional models: the class of every frame, by index or name (default: class 0)'),
      format: z
        .enum(ANIMATION_FORMATS)
        .default('gif')
        .describe('gif/webp: animation; png: frames in one row; json/npy: arrays'),
      delayMs: z.number().int().min(10).max(10_000).default(80).describe('time each frame shows'),
      loop: z.boolean().default(true).describe('loop the animation forever'),
      boomerang: z.boolean().default(false).describe('play forward then back'),
    })
    .strict();

  const v2Tensor = z
    .object({
      name: z.string(),
      shape: z.array(z.number().int().min(0)),
      datatype: z
        .enum(['FP32', 'INT64', 'INT32'])
        .describe("FP32: the latent; INT64 or INT32: a class-conditional model's class ids [N]"),
      parameters: z.record(z.string(), z.unknown()).optional(),
      data: z.array(z.union([z.number(), z.array(z.unknown())])),
    })
    .strict();

  const v2Infer = z
    .object({
      id: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      inputs: z
        .array(v2Tensor)
        .min(1)
        .max(2)
        .describe("the latent [N, latentDim]; class-conditional models also their class input's ids [N]"),
      outputs: z
        .array(
          z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() }).strict(),
        )
        .optional(),
    })
    .strict();

  return { samples, samplesQuery, interpolations, v2Infer };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
export type SamplesRequest = z.output<RequestSchemas['samples']>;
export type SamplesQuery = z.output<RequestSchemas['samplesQuery']>;
export type InterpolationsRequest = z.output<RequestSchemas['interpolations']>;
export type V2InferRequest = z.output<RequestSchemas['v2Infer']>;
