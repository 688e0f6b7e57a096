import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GanforgeError } from '@ganforge/core';
import { LatentConfigSchema } from './latent.ts';
import { RUN_FILES } from './run-dir.ts';

/**
 * The fields of a run's config.json that readers of a run folder (export, eval, the report) rely on.
 * The whole config, with every default, is @ganforge/train's TrainConfig; config.json holds it resolved.
 */
export const RunConfigViewSchema = z
  .object({
    name: z.string(),
    seed: z.number(),
    dataset: z.looseObject({ kind: z.string(), split: z.enum(['train', 'test']) }),
    latent: LatentConfigSchema,
    generator: z.record(z.string(), z.unknown()),
    discriminator: z.record(z.string(), z.unknown()),
    loss: z.unknown(),
    optimizers: z.record(z.string(), z.unknown()),
    batchSize: z.number(),
  })
  .loose();

export type RunConfigView = z.output<typeof RunConfigViewSchema>;

/** The raw config.json of a run (undefined when there is none). */
export function readRunConfig(runDir: string | undefined): unknown {
  if (runDir === undefined) return undefined;
  const file = join(runDir, RUN_FILES.config);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    throw new GanforgeError('bad_config', `${file} is not valid JSON`, { cause: e });
  }
}

/** The reader's view of a run's config.json, or undefined when it has none; a clear error when it lacks a field. */
export function readRunConfigView(runDir: string | undefined): RunConfigView | undefined {
  const raw = readRunConfig(runDir);
  if (raw === undefined || runDir === undefined) return undefined;
  const parsed = RunConfigViewSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GanforgeError(
    'bad_config',
    `${join(runDir, RUN_FILES.config)}: field '${issue?.path.join('.') ?? ''}' ${issue?.message ?? 'is invalid'}`,
    { hint: 'config.json is written by ganforge train; restore it from the run or train again' },
  );
}
