import { z } from 'zod';
import { defineTechnique } from './technique.ts';

export const MarginBalanceConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        'Skip the update of whichever network is winning by more than the margin (docs/techniques.md#margin-balance)',
      ),
    margin: z
      .number()
      .gt(0)
      .lt(0.5)
      .default(0.3)
      .describe('Skip D if err_R or err_F < margin; skip G if err_R or err_F > 1 - margin'),
  })
  .strict()
  .prefault({})
  .describe('Margin balance between D and G (docs/techniques.md#margin-balance)');
export type MarginBalanceConfig = z.infer<typeof MarginBalanceConfigSchema>;

export interface UpdateDecision {
  readonly updateD: boolean;
  readonly updateG: boolean;
}

/**
 * Margin balance, exactly as "Balancing the GAN game" (Larsen & Sønderby, panel B;
 * docs/techniques.md#margin-balance): with err_R, err_F D's losses on real and fake,
 * skip D if err_F < margin or err_R < margin (D is too good); skip G if err_F > 1 - margin or
 * err_R > 1 - margin (D is too bad); if both would be skipped, update both.
 */
export function decideUpdates(args: { errReal: number; errFake: number; margin: number }): UpdateDecision {
  const { errReal, errFake, margin } = args;
  const updateD = !(errFake < margin || errReal < margin);
  const updateG = !(errFake > 1 - margin || errReal > 1 - margin);
  if (!updateD && !updateG) return { updateD: true, updateG: true };
  return { updateD, updateG };
}

/** Which updates this step applies, from D's losses on the real and the fake batch (both when margin balance is off). */
export function updatesToApply(
  config: MarginBalanceConfig,
  errReal: number,
  errFake: number,
): UpdateDecision {
  return config.enabled
    ? decideUpdates({ errReal, errFake, margin: config.margin })
    : { updateD: true, updateG: true };
}

export const marginBalanceTechnique = defineTechnique({
  name: 'marginBalance',
  schema: MarginBalanceConfigSchema,
});
