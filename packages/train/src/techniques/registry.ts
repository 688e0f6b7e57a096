import type { z } from 'zod';
import { adaptiveL2Technique } from './adaptive-l2.ts';
import { instanceNoiseTechnique } from './instance-noise.ts';
import { labelsTechnique } from './labels.ts';
import { marginBalanceTechnique } from './margin-balance.ts';
import { momentMatchingTechnique } from './moment-matching.ts';

/** Every technique, in the order of the config's `techniques` section (config/schema.ts composes it from them). */
export const TECHNIQUES = [
  momentMatchingTechnique,
  marginBalanceTechnique,
  adaptiveL2Technique,
  instanceNoiseTechnique,
  labelsTechnique,
] as const;

export type TechniqueUnit = (typeof TECHNIQUES)[number];
export type TechniqueName = TechniqueUnit['name'];

/** The `techniques` section's shape: each technique's schema under its name. */
export type TechniqueSchemas = { readonly [U in TechniqueUnit as U['name']]: U['schema'] };

/** The resolved `techniques` section: each technique's config under its name. */
export type TechniquesConfig = { readonly [U in TechniqueUnit as U['name']]: z.output<U['schema']> };

export function techniqueSchemas(): TechniqueSchemas {
  return Object.fromEntries(TECHNIQUES.map((t) => [t.name, t.schema])) as unknown as TechniqueSchemas;
}
