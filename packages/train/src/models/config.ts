import { z } from 'zod';

/** Activations offered to MLP layers. leaky_relu uses alpha 0.2 (the DCGAN value). */
export const MlpActivationSchema = z.enum(['relu', 'leaky_relu', 'tanh', 'sigmoid']);
export type MlpActivation = z.infer<typeof MlpActivationSchema>;

/** Minibatch features appended inside D against mode collapse (docs/techniques.md#minibatch-features). */
export const MinibatchFeaturesSchema = z.enum(['none', 'mean_difference', 'stddev']);
export type MinibatchFeatures = z.infer<typeof MinibatchFeaturesSchema>;

const hidden = z
  .array(z.number().int().min(1).max(16384))
  .min(1)
  .max(16)
  .default([128])
  .describe('Hidden layer widths, first to last (e.g. [128], [128, 384], [128, 256, 512, 1024])');
const dropout = z
  .number()
  .min(0)
  .max(0.9)
  .default(0)
  .describe('Dropout rate after each hidden block (0 = off; 0.3-0.6 is typical in D)');
const baseFilters = z
  .number()
  .int()
  .min(1)
  .max(1024)
  .default(64)
  .describe('Filters of the full-resolution conv layer; doubled at each halving of the image size');
const kernelSize = z
  .union([z.literal(3), z.literal(4), z.literal(5)])
  .default(4)
  .describe('Square kernel size of every (transposed) convolution');
const spectralNorm = z
  .boolean()
  .default(false)
  .describe('Spectral normalization of every weight layer (one power iteration per training forward pass)');
const minibatch = MinibatchFeaturesSchema.default('none').describe(
  "Minibatch features: 'mean_difference' appends x - mean(batch) channels at the input; 'stddev' appends one batch-stddev channel before the last layer",
);

export const MlpGeneratorConfigSchema = z
  .object({
    kind: z.literal('mlp').describe('Fully connected generator: z -> hidden layers -> H*W*C -> tanh'),
    hidden,
    activation: MlpActivationSchema.default('relu').describe('Activation of the hidden layers'),
    batchNorm: z.boolean().default(false).describe('Batch normalization after each hidden dense layer'),
    dropout,
    outputActivation: z.literal('tanh').default('tanh').describe('Output activation (images live in [-1, 1])'),
  })
  .strict();

export const DcganGeneratorConfigSchema = z
  .object({
    kind: z
      .literal('dcgan')
      .default('dcgan')
      .describe('DCGAN generator: z -> dense -> reshape -> stride-2 transposed convs -> tanh'),
    baseFilters,
    kernelSize,
    batchNorm: z.boolean().default(true).describe('Batch normalization after every layer but the output'),
    activation: z.enum(['relu', 'leaky_relu']).default('relu').describe('Activation of the hidden layers'),
  })
  .strict();

export const GeneratorConfigSchema = z
  .discriminatedUnion('kind', [MlpGeneratorConfigSchema, DcganGeneratorConfigSchema])
  .default(() => DcganGeneratorConfigSchema.parse({}))
  .describe("Generator architecture ('mlp' or 'dcgan')");
export type MlpGeneratorConfig = z.infer<typeof MlpGeneratorConfigSchema>;
export type DcganGeneratorConfig = z.infer<typeof DcganGeneratorConfigSchema>;
export type GeneratorConfig = z.infer<typeof GeneratorConfigSchema>;

export const MlpDiscriminatorConfigSchema = z
  .object({
    kind: z.literal('mlp').describe('Fully connected discriminator: flatten -> hidden layers -> 1 logit'),
    hidden,
    activation: MlpActivationSchema.default('leaky_relu').describe('Activation of the hidden layers'),
    batchNorm: z.boolean().default(false).describe('Batch normalization after each hidden dense layer'),
    dropout,
    spectralNorm,
    minibatch,
  })
  .strict();

export const DcganDiscriminatorConfigSchema = z
  .object({
    kind: z
      .literal('dcgan')
      .default('dcgan')
      .describe('DCGAN discriminator: stride-2 convs with LeakyReLU -> flatten -> 1 logit'),
    baseFilters,
    kernelSize,
    batchNorm: z
      .boolean()
      .default(false)
      .describe('Batch normalization after every conv but the first (it did not help in D: docs/techniques.md#batch-normalization)'),
    dropout,
    leakyAlpha: z.number().min(0).max(1).default(0.2).describe('Negative slope of the LeakyReLU activations'),
    spectralNorm,
    minibatch,
  })
  .strict();

export const DiscriminatorConfigSchema = z
  .discriminatedUnion('kind', [MlpDiscriminatorConfigSchema, DcganDiscriminatorConfigSchema])
  .default(() => DcganDiscriminatorConfigSchema.parse({}))
  .describe("Discriminator architecture ('mlp' or 'dcgan'); outputs one logit per image");
export type MlpDiscriminatorConfig = z.infer<typeof MlpDiscriminatorConfigSchema>;
export type DcganDiscriminatorConfig = z.infer<typeof DcganDiscriminatorConfigSchema>;
export type DiscriminatorConfig = z.infer<typeof DiscriminatorConfigSchema>;
