import { z } from 'zod';
import { LatentConfigSchema } from '@ganforge/runs';
import { isValidModelName } from '@ganforge/core';
import { DatasetSpecSchema } from '@ganforge/data';
import { DiagnosticsConfigSchema } from '../diagnostics/config.ts';
import { LossNameSchema } from '../losses/index.ts';
import { DiscriminatorConfigSchema, GeneratorConfigSchema } from '../models/config.ts';
import { ConditioningConfigSchema } from '../models/conditioning-config.ts';
import { techniqueSchemas } from '../techniques/registry.ts';

/**
 * The whole training config: plain data, every field described and defaulted, unknown keys
 * rejected. Sections for models and techniques come from their own modules; this file composes them.
 * The parsed (resolved) value is what a run records in config.json.
 */

export const OptimizerConfigSchema = z
  .object({
    kind: z.enum(['adam', 'rmsprop']).default('adam').describe('Optimizer: adam or rmsprop'),
    lr: z.number().gt(0).max(1).default(0.0002).describe('Learning rate (step size)'),
    beta1: z
      .number()
      .min(0)
      .lt(1)
      .default(0.5)
      .describe('Adam: decay of the first moment (ignored by rmsprop)'),
    beta2: z
      .number()
      .min(0)
      .lt(1)
      .default(0.999)
      .describe('Adam: decay of the second moment (ignored by rmsprop)'),
    decay: z
      .number()
      .min(0)
      .lt(1)
      .default(0.9)
      .describe('RMSProp: decay of the mean square (ignored by adam)'),
    momentum: z.number().min(0).lt(1).default(0).describe('RMSProp: momentum (ignored by adam)'),
    epsilon: z
      .number()
      .gt(0)
      .max(1)
      .default(1e-8)
      .describe('Small constant added to the denominator for stability'),
  })
  .strict();

export const OptimizersConfigSchema = z
  .object({
    g: OptimizerConfigSchema.prefault({}).describe('Optimizer of the generator'),
    d: OptimizerConfigSchema.prefault({}).describe(
      'Optimizer of the discriminator (a different lr than g = two time-scale update rule)',
    ),
  })
  .strict();

/** Each technique's section under its name, from the technique units (techniques/registry.ts). */
export const TechniquesConfigSchema = z.object(techniqueSchemas()).strict();

export const LoggingConfigSchema = z
  .object({
    sampleEvery: z
      .int()
      .min(0)
      .max(10_000_000)
      .default(100)
      .describe('Write a sample grid from the fixed z every N steps (0 = only at the end)'),
    checkpointEvery: z
      .int()
      .min(0)
      .max(10_000_000)
      .default(500)
      .describe('Write a checkpoint every N steps (0 = only at the end and on Ctrl-C)'),
    gridSize: z
      .int()
      .min(1)
      .max(32)
      .default(8)
      .describe(
        'Sample grids show gridSize x gridSize images (class-conditional runs: one row per class, gridSize columns)',
      ),
    gradNormEvery: z
      .int()
      .min(0)
      .max(10_000_000)
      .default(1)
      .describe(
        'Measure per-layer gradient norms (for the exploding-gradient and overpowering detectors and the report) every N steps; 0 = never. They cost 1-3% of a step on wasm',
      ),
  })
  .strict();

export const BackendPreferenceSchema = z
  .enum(['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'])
  .default('auto')
  .describe('TensorFlow.js backend; auto tries tensorflow-gpu, webgpu, tensorflow, wasm, cpu in that order');

export const TrainConfigSchema = z
  .object({
    name: z
      .string()
      // The model-name rule (the run name becomes the exported model's folder name).
      .refine(isValidModelName, 'letters, digits, . _ - (at most 64), starting with a letter or digit, no ..')
      .default('dcgan-mnist')
      .describe('Run name; the run directory is <out>/<name>-<time>'),
    seed: z
      .int()
      .min(0)
      .max(0xffffffff)
      .default(42)
      .describe('Seed of every random stream (weights, data order, z, noise, dropout)'),
    dataset: DatasetSpecSchema.prefault({}).describe('Training images'),
    latent: LatentConfigSchema.prefault({}).describe('Latent space'),
    generator: GeneratorConfigSchema,
    discriminator: DiscriminatorConfigSchema,
    conditioning: ConditioningConfigSchema.optional().describe(
      "Class-conditional G and D on the dataset's labels (docs/techniques.md#class-conditioning); absent = unconditional",
    ),
    loss: LossNameSchema,
    optimizers: OptimizersConfigSchema.prefault({}).describe('Optimizers of G and D'),
    epochs: z.int().min(1).max(100_000).default(1).describe('Passes over the dataset (used when steps is 0)'),
    steps: z
      .int()
      .min(0)
      .max(100_000_000)
      .default(0)
      .describe('Stop after this many steps (one real batch each); 0 = run for `epochs` epochs'),
    batchSize: z
      .int()
      .min(1)
      .max(4096)
      .default(64)
      .describe('Real images per D batch (and fakes per G batch)'),
    dStepsPerG: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('k: D is updated every step, G every k-th step (use with gStepsPerD = 1)'),
    gStepsPerD: z
      .int()
      .min(1)
      .max(100)
      .default(1)
      .describe('G updates per step, each on fresh z (use with dStepsPerG = 1)'),
    batchMode: z
      .enum(['separate', 'mixed'])
      .default('separate')
      .describe('D sees real and fake in separate batches, or mixed into one batch'),
    frozenInference: z
      .boolean()
      .default(false)
      .describe('Run the network not being trained in inference mode (batchnorm moving stats, no dropout)'),
    techniques: TechniquesConfigSchema.prefault({}).describe('Stabilization techniques, each off by default'),
    logging: LoggingConfigSchema.prefault({}).describe('Samples and checkpoints'),
    diagnostics: DiagnosticsConfigSchema,
    backend: BackendPreferenceSchema,
  })
  .strict()
  .superRefine((cfg, ctx) => {
    if (cfg.dStepsPerG > 1 && cfg.gStepsPerD > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['gStepsPerD'],
        message: `cannot be > 1 together with dStepsPerG (${cfg.dStepsPerG}); set one of them to 1`,
      });
    }
    if (cfg.batchMode === 'mixed' && cfg.discriminator.minibatch === 'mean_difference') {
      ctx.addIssue({
        code: 'custom',
        path: ['batchMode'],
        message:
          "'mixed' would compute the minibatch mean-difference features over real and fake together; " +
          "they are computed per batch (docs/techniques.md#minibatch-mean-difference), so use batchMode 'separate'",
      });
    }
  });

/** The resolved config: every default filled in. */
export type TrainConfig = z.output<typeof TrainConfigSchema>;
/** What a config file may contain: everything optional. */
export type TrainConfigInput = z.input<typeof TrainConfigSchema>;
export type OptimizerConfig = z.output<typeof OptimizerConfigSchema>;
