import { z } from 'zod';
import { meanMatchedDistance } from '../diversity.ts';
import { autocorrelation, fmt, pushWindow, standardDeviation } from '../series.ts';
import type { Detector, Finding, SampleBatch } from '../types.ts';

export const OscillationConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect G and D oscillating instead of converging'),
    window: z
      .int()
      .min(8)
      .max(100_000)
      .default(128)
      .describe('Steps of D loss - G loss the autocorrelation is taken over'),
    minLag: z
      .int()
      .min(1)
      .max(10_000)
      .default(2)
      .describe(
        'Smallest lag (steps) of the strongest anticorrelation that counts. Lag 1 does not by default: with ' +
          'alternating updates D and G losses see-saw from one step to the next in healthy runs ' +
          '(dcgan-mnist: autocorrelation -0.6 at lag 1)',
      ),
    maxLag: z
      .int()
      .min(1)
      .max(10_000)
      .default(16)
      .describe('Largest lag (steps) checked: catches periods up to 2 x maxLag'),
    minCorrelation: z
      .number()
      .gt(0)
      .max(1)
      .default(0.6)
      .describe('Autocorrelation at or below -minCorrelation at some lag counts as periodic flipping'),
    minAmplitude: z
      .number()
      .min(0)
      .default(0.05)
      .describe('Standard deviation of D loss - G loss needed (ignore tiny wiggles)'),
    revisitRatio: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe(
        'Fixed-z samples: back within this share of the last move to an older snapshot counts as a revisit',
      ),
    minMove: z
      .number()
      .min(0)
      .default(0.25)
      .describe("Fixed-z samples: moves smaller than this share of the real data's diversity are ignored"),
    snapshots: z.int().min(3).max(32).default(6).describe('Fixed-z snapshots kept for the revisit test'),
    patience: z
      .int()
      .min(1)
      .max(1000)
      .default(2)
      .describe('Consecutive revisiting snapshots before the detector fires'),
  })
  .strict()
  .prefault({})
  .describe(
    'Oscillation: G exploiting a weakness of D, G cycling between outputs (docs/techniques.md#oscillation)',
  );
export type OscillationConfig = z.output<typeof OscillationConfigSchema>;

export interface OscillationState {
  readonly gap: readonly number[];
  readonly firstStep: number;
  readonly steps: readonly number[];
  readonly snapshots: readonly SampleBatch[];
  readonly realDiversity: number | null;
  readonly revisits: number;
  /** The revisit verdict of the last snapshot: it stands until the next snapshot. */
  readonly revisitFinding: Finding | null;
}

/**
 * Oscillation, two ways:
 *  - the balance D loss - G loss flips periodically: strongly negative autocorrelation at a small lag
 *    (after removing its trend) with a visible amplitude;
 *  - the outputs for the fixed z cycle: a new snapshot lies much closer to an older one than to the
 *    one just before it, for `patience` snapshots in a row.
 */
export const oscillationDetector: Detector<OscillationConfig, OscillationState> = {
  name: 'oscillation',
  initial: () => ({
    gap: [],
    firstStep: 0,
    steps: [],
    snapshots: [],
    realDiversity: null,
    revisits: 0,
    revisitFinding: null,
  }),
  step(state, obs, config): { state: OscillationState; finding?: Finding } {
    if (!config.enabled) return { state };
    let next: OscillationState = state;
    if (obs.realDiversity !== undefined && obs.realDiversity > 0)
      next = { ...next, realDiversity: obs.realDiversity };
    if (obs.gLoss !== null && Number.isFinite(obs.gLoss) && Number.isFinite(obs.dLossReal + obs.dLossFake)) {
      next = {
        ...next,
        gap: pushWindow(next.gap, obs.dLossReal + obs.dLossFake - obs.gLoss, config.window),
        steps: pushWindow(next.steps, obs.step, config.window),
      };
    }
    // 1) periodic flipping of the D/G balance
    if (next.gap.length >= config.window && next.gap !== state.gap) {
      const amplitude = standardDeviation(next.gap);
      if (amplitude >= config.minAmplitude) {
        const acf = autocorrelation(next.gap, config.maxLag);
        let lag = 0;
        let min = 0;
        acf.forEach((r, i) => {
          if (r < min) {
            min = r;
            lag = i + 1;
          }
        });
        // A step-to-step see-saw (clearly negative at lag 1) also shows at lags 3, 5, ...: its period is 2.
        if ((acf[0] ?? 0) <= -config.minCorrelation / 2) lag = 1;
        if (min <= -config.minCorrelation && lag >= config.minLag) {
          return {
            state: next,
            finding: {
              onsetStep: next.steps[0] ?? obs.step,
              severity: 'warning',
              message:
                `oscillation: D loss - G loss flips with a period of about ${2 * lag} steps ` +
                `(autocorrelation ${fmt(min)} at lag ${lag}, amplitude ${fmt(amplitude)} over ${config.window} steps)`,
              evidence: { period: 2 * lag, lag, autocorrelation: min, amplitude, window: config.window },
            },
          };
        }
      }
    }
    // 2) fixed-z outputs revisiting older snapshots
    if (obs.samples !== undefined) {
      const previous = next.snapshots;
      const snapshots = pushWindow(previous, obs.samples, config.snapshots);
      next = { ...next, snapshots };
      const n = previous.length;
      const last = previous[n - 1];
      const now = obs.samples;
      const comparable = (b: SampleBatch): boolean => b.n === now.n && b.data.length === now.data.length;
      if (last !== undefined && comparable(last) && n >= 2 && next.realDiversity !== null) {
        const move = meanMatchedDistance(now.data, last.data, now.n);
        let revisit = Infinity;
        for (let i = 0; i < n - 1; i++) {
          const old = previous[i] as SampleBatch;
          if (comparable(old)) revisit = Math.min(revisit, meanMatchedDistance(now.data, old.data, now.n));
        }
        const isRevisit = move >= config.minMove * next.realDiversity && revisit < config.revisitRatio * move;
        const revisits = isRevisit ? next.revisits + 1 : 0;
        next = { ...next, revisits, revisitFinding: null };
        if (revisits >= config.patience) {
          const finding: Finding = {
            onsetStep: obs.step,
            severity: 'warning',
            message:
              `oscillation: samples from the fixed z keep returning to earlier outputs (moved ${fmt(move)} since the ` +
              `last snapshot but only ${fmt(revisit)} from an older one, ${revisits} snapshots in a row)`,
            evidence: {
              move,
              revisitDistance: revisit,
              realDiversity: next.realDiversity,
              snapshots: revisits,
            },
          };
          return { state: { ...next, revisitFinding: finding }, finding };
        }
      }
      return { state: next };
    }
    return { state: next, finding: next.revisitFinding ?? undefined };
  },
};
