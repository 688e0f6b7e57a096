import { z } from 'zod';
import type { Detector, Observation } from '../types.ts';

export const NonFiniteConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Report a NaN or infinite loss, D output or gradient norm at once'),
  })
  .strict()
  .prefault({})
  .describe('NaN/Inf detector');
export type NonFiniteConfig = z.output<typeof NonFiniteConfigSchema>;

const FIELDS = ['dLossReal', 'dLossFake', 'gLoss', 'dReal', 'dFake', 'gGradNorm', 'dGradNorm'] as const;

/** Names of the signals of this step that are NaN or infinite (null = not measured, fine). */
export function nonFiniteFields(obs: Observation): string[] {
  const bad: string[] = FIELDS.filter((f) => {
    const v = obs[f];
    return v !== null && v !== undefined && !Number.isFinite(v);
  });
  for (const [net, norms] of [
    ['g', obs.gLayerGradNorms],
    ['d', obs.dLayerGradNorms],
  ] as const) {
    for (const [layer, v] of Object.entries(norms ?? {}))
      if (!Number.isFinite(v)) bad.push(`${net}:${layer}`);
  }
  return bad;
}

/** NaN/Inf: fires on the step it appears; nothing after it can be trusted. */
export const nonFiniteDetector: Detector<NonFiniteConfig, null> = {
  name: 'nonFinite',
  initial: () => null,
  step(state, obs, config) {
    if (!config.enabled) return { state };
    const bad = nonFiniteFields(obs);
    if (bad.length === 0) return { state };
    const evidence: Record<string, number | string | null> = { fields: bad.join(',') };
    for (const f of FIELDS) evidence[f] = obs[f] === null ? null : String(obs[f]);
    return {
      state,
      finding: {
        onsetStep: obs.step,
        severity: 'critical',
        message: `training diverged: ${bad.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not finite at step ${obs.step}`,
        evidence,
      },
    };
  },
};
