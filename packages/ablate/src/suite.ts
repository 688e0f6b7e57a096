import { readFileSync } from 'node:fs';
import { GanforgeError } from '@ganforge/core';
import YAML from 'yaml';
import { z } from 'zod';

/**
 * An ablation suite (suites/*.yaml): a base training config, named variants (each a set of overrides or
 * a config of its own), seeds, a budget and the evaluation. Every variant x seed becomes its own run.
 */

const MAX_VALUE = 10_000_000;

/** `{ "optimizers.d.lr": 0.0008 }`: dotted config paths to values, as `--set` takes them. */
const OverridesSchema = z
  .record(z.string().regex(/^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/, 'expected a dotted config path'), z.unknown())
  .default({});

const VARIANT_NAME = /^[a-z0-9][a-z0-9-]*$/;

export const VariantSchema = z
  .object({
    name: z
      .string()
      .regex(VARIANT_NAME, 'lowercase letters, digits and -, starting with a letter or digit')
      .max(48)
      .describe('Names the variant in tables and run folders'),
    description: z.string().default('').describe('What the variant changes, in words'),
    config: z
      .string()
      .optional()
      .describe('A config file (relative to the suite) replacing the base for this variant'),
    set: OverridesSchema.describe(
      'Overrides on the (base or own) config, e.g. { "techniques.labels.flipProbability": 0.05 }',
    ),
  })
  .strict();

export const SuiteSchema = z
  .object({
    name: z.string().regex(VARIANT_NAME).max(48).describe('Names the suite and its result folder'),
    description: z.string().default(''),
    claim: z.string().default('').describe('The claim under test, in the source’s words'),
    source: z.string().default('').describe('Title of the article or paper the claim is from'),
    base: z.string().describe('The base training config (relative to the suite file)'),
    set: OverridesSchema.describe('Overrides applied to every variant before its own'),
    variants: z.array(VariantSchema).min(1),
    seeds: z.array(z.int().min(0).max(0xffffffff)).min(1),
    budget: z
      .object({ steps: z.int().min(1).max(MAX_VALUE) })
      .strict()
      .describe('Training steps of every run'),
    evaluation: z
      .object({
        every: z.int().min(1).max(MAX_VALUE).describe('Evaluate every N steps and at the end'),
        samples: z
          .int()
          .min(10)
          .max(10_000)
          .default(1000)
          .describe('Generated (and real) images per evaluation'),
        seed: z.int().min(0).max(0xffffffff).default(0).describe('Latent seed of the evaluation samples'),
      })
      .strict(),
  })
  .strict()
  .superRefine((suite, ctx) => {
    const seen = new Set<string>();
    suite.variants.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: `'${v.name}' is used twice` });
      seen.add(v.name);
    });
    if (new Set(suite.seeds).size !== suite.seeds.length)
      ctx.addIssue({ code: 'custom', path: ['seeds'], message: 'a seed is listed twice' });
  });

export type Suite = z.infer<typeof SuiteSchema>;
export type SuiteVariant = z.infer<typeof VariantSchema>;

/** Reads and validates a suite file; a bad field is one error naming the file, the field and the fix. */
export function readSuite(file: string): Suite {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new GanforgeError('suite_not_found', `cannot read suite file ${file}`, {
      hint: 'pass an existing suite, e.g. ganforge ablate suites/stabilization-tricks.yaml',
      cause: e,
    });
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (e) {
    const line = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new GanforgeError('bad_suite', `suite file ${file} is not valid YAML: ${line}`, {
      hint: 'fix the syntax at the position shown',
      cause: e,
    });
  }
  const parsed = SuiteSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`,
  );
  throw new GanforgeError('bad_suite', `suite file ${file}: ${problems.join('; ')}`, {
    hint: 'a suite has name, base, variants (name, set), seeds, budget.steps and evaluation.every; see suites/',
  });
}

/** One override as `--set` text; the value as JSON, which YAML (what `--set` parses) reads back unchanged. */
export function overrideText(path: string, value: unknown): string {
  return `${path}=${JSON.stringify(value)}`;
}
