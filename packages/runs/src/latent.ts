import { z } from 'zod';

/** The latent space of a run's generator: recorded in config.json and in every checkpoint's state.json. */
export const LatentConfigSchema = z
  .object({
    dim: z.int().min(1).max(4096).default(100).describe('Size of the latent vector z fed to the generator'),
    distribution: z
      .enum(['uniform', 'normal'])
      .default('uniform')
      .describe('Distribution of z: uniform = U(-1, 1), normal = N(0, 1)'),
  })
  .strict();

export type LatentConfig = z.output<typeof LatentConfigSchema>;
