import { z } from 'zod';
import { DiscriminatorOverpoweringConfigSchema } from './detectors/discriminator-overpowering.ts';
import { ExplodingGradientsConfigSchema } from './detectors/exploding-gradients.ts';
import { ModeCollapseConfigSchema } from './detectors/mode-collapse.ts';
import { NonFiniteConfigSchema } from './detectors/non-finite.ts';
import { OscillationConfigSchema } from './detectors/oscillation.ts';

export const OnFailureSchema = z
  .enum(['stop', 'warn', 'rescue'])
  .default('warn')
  .describe(
    'What a detected failure does: stop = end the run (last checkpoint kept), warn = report and go on, ' +
      'rescue = roll back to the last healthy checkpoint and switch on the first remedy not yet on',
  );
export type OnFailure = z.output<typeof OnFailureSchema>;

/** The `diagnostics` section of the training config: every detector on by default. */
export const DiagnosticsConfigSchema = z
  .object({
    onFailure: OnFailureSchema,
    maxRescues: z
      .int()
      .min(0)
      .max(100)
      .default(3)
      .describe('Rescues per run before a further failure stops it'),
    nonFinite: NonFiniteConfigSchema,
    explodingGradients: ExplodingGradientsConfigSchema,
    discriminatorOverpowering: DiscriminatorOverpoweringConfigSchema,
    modeCollapse: ModeCollapseConfigSchema,
    oscillation: OscillationConfigSchema,
  })
  .strict()
  .prefault({})
  .describe('Failure detectors run on the logged signals; events go to events.jsonl');
export type DiagnosticsConfig = z.output<typeof DiagnosticsConfigSchema>;

/** The defaults, with optional overrides per section (tests, programmatic use). */
export function diagnosticsConfig(input: z.input<typeof DiagnosticsConfigSchema> = {}): DiagnosticsConfig {
  return DiagnosticsConfigSchema.parse(input);
}
