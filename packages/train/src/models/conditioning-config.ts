import { z } from 'zod';

/**
 * How G takes the class (docs/techniques.md#class-conditioning): 'multiply' z element-wise by a learned
 * class embedding of size latent.dim; 'concat' an embedding of size embeddingDim to z.
 */
export const GeneratorConditioningSchema = z.enum(['multiply', 'concat']);
export type GeneratorConditioning = z.infer<typeof GeneratorConditioningSchema>;

/**
 * How D takes the class (docs/techniques.md#class-conditioning): 'projection' (Miyato & Koyama 2018) adds
 * <embed(y), h> to D's logit; 'auxiliary' (ACGAN, Odena et al. 2017) gives D a second output of class logits.
 */
export const DiscriminatorConditioningSchema = z.enum(['projection', 'auxiliary']);
export type DiscriminatorConditioning = z.infer<typeof DiscriminatorConditioningSchema>;

/**
 * The `conditioning` block of the training config: present = a class-conditional GAN, absent =
 * unconditional. The number of classes is the dataset's, which must have labels.
 */
export const ConditioningConfigSchema = z
  .object({
    generator: GeneratorConditioningSchema.default('multiply').describe(
      "How G takes the class: 'multiply' z by a learned class embedding of size latent.dim, or 'concat' an embedding of size embeddingDim to z",
    ),
    discriminator: DiscriminatorConditioningSchema.default('projection').describe(
      "How D takes the class: 'projection' adds <embed(y), h> to D's logit (h: D's last features), 'auxiliary' adds a classifier head and class cross-entropy terms to both losses (ACGAN)",
    ),
    embeddingDim: z
      .int()
      .min(1)
      .max(4096)
      .default(10)
      .describe("generator 'concat' only: size of G's class embedding, concatenated to z"),
    auxiliaryWeight: z
      .number()
      .min(0)
      .max(1000)
      .default(1)
      .describe("discriminator 'auxiliary' only: weight w of the class cross-entropy terms in D's and G's losses"),
  })
  .strict();
export type ConditioningConfig = z.infer<typeof ConditioningConfigSchema>;

/** What the builders need to make a network class-conditional: the config block and the dataset's class count. */
export interface ClassConditioning {
  readonly config: ConditioningConfig;
  readonly numClasses: number;
}
