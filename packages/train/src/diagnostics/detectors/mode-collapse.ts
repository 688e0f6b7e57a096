import { z } from 'zod';
import { fmt } from '../series.ts';
import type { Detector, Finding } from '../types.ts';

export const ModeCollapseConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Detect mode collapse from the diversity of G(fixed z) against the real data'),
    minRatio: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.3)
      .describe("Sample diversity below this share of the real data's counts as collapsed"),
    dropFraction: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe(
        'Before warmupSteps it only counts when diversity also fell below this share of its best so far',
      ),
    warmupSteps: z
      .int()
      .min(0)
      .default(2000)
      .describe(
        'Before this step only a fall counts: a fresh G starts far less diverse than the data (a tiny MLP GAN on MNIST: ~3% at step 0, ~18% at step 450) and is not collapsed',
      ),
    patience: z
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .describe('Consecutive collapsed measurements before the detector fires'),
  })
  .strict()
  .prefault({})
  .describe('Mode collapse: little diversity, near-identical outputs (docs/techniques.md#mode-collapse)');
export type ModeCollapseConfig = z.output<typeof ModeCollapseConfigSchema>;

export interface ModeCollapseState {
  readonly realDiversity: number | null;
  readonly peakRatio: number;
  readonly streak: number;
  readonly onsetStep: number;
  /** The verdict of the last measurement: it stands until the next one. */
  readonly finding: Finding | null;
}

/**
 * Mode collapse: the mean pairwise distance of G(fixed z), as a share of the real data's, falls below
 * minRatio (and, early on, below dropFraction of its best) for `patience` measurements in a row.
 * Only steps that carry a sampleDiversity count; the real scale comes from realDiversity (given once).
 */
export const modeCollapseDetector: Detector<ModeCollapseConfig, ModeCollapseState> = {
  name: 'modeCollapse',
  initial: () => ({ realDiversity: null, peakRatio: 0, streak: 0, onsetStep: 0, finding: null }),
  step(state, obs, config) {
    if (!config.enabled) return { state };
    const realDiversity =
      obs.realDiversity !== undefined && obs.realDiversity > 0 ? obs.realDiversity : state.realDiversity;
    if (
      obs.sampleDiversity === undefined ||
      realDiversity === null ||
      !Number.isFinite(obs.sampleDiversity)
    ) {
      return { state: { ...state, realDiversity }, finding: state.finding ?? undefined };
    }
    const ratio = obs.sampleDiversity / realDiversity;
    const fell = ratio < config.dropFraction * state.peakRatio;
    const collapsed = ratio < config.minRatio && (obs.step >= config.warmupSteps || fell);
    const streak = collapsed ? state.streak + 1 : 0;
    const onsetStep = collapsed && state.streak === 0 ? obs.step : state.onsetStep;
    const next = {
      realDiversity,
      peakRatio: Math.max(state.peakRatio, ratio),
      streak,
      onsetStep,
      finding: null,
    };
    if (streak < config.patience) return { state: next };
    const finding: Finding = {
      onsetStep,
      severity: 'warning',
      message:
        `mode collapse: samples from the fixed z are ${fmt(ratio * 100)}% as diverse as real images ` +
        `(mean pairwise distance ${fmt(obs.sampleDiversity)} vs ${fmt(realDiversity)}; best so far ${fmt(next.peakRatio * 100)}%)`,
      evidence: {
        sampleDiversity: obs.sampleDiversity,
        realDiversity,
        ratio,
        peakRatio: next.peakRatio,
        measurements: streak,
      },
    };
    return { state: { ...next, finding }, finding };
  },
};
