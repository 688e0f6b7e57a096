import { z } from 'zod';
import { fmt, median, pushWindow } from '../series.ts';
import type { Detector, Observation } from '../types.ts';

export const ExplodingGradientsConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Detect gradient norms of G or D blowing up'),
    window: z
      .int()
      .min(2)
      .max(100_000)
      .default(50)
      .describe('Steps of history the median gradient norm is taken over'),
    minHistory: z
      .int()
      .min(1)
      .max(100_000)
      .default(10)
      .describe('Steps of history needed before the ratio test applies'),
    ratio: z
      .number()
      .gt(1)
      .default(50)
      .describe(
        'A norm above ratio x the recent median (or the early-run median, if larger) counts as exploding',
      ),
    absoluteMax: z
      .number()
      .gt(0)
      .default(1e3)
      .describe('A norm above this counts as exploding whatever the history'),
    patience: z
      .int()
      .min(1)
      .max(10_000)
      .default(3)
      .describe('Consecutive exploding steps before the detector fires'),
  })
  .strict()
  .prefault({})
  .describe(
    'Exploding gradients: monitor the gradients along with the losses (docs/techniques.md#exploding-gradients)',
  );
export type ExplodingGradientsConfig = z.output<typeof ExplodingGradientsConfigSchema>;

interface NetState {
  readonly history: readonly number[];
  /** Median norm of the first `window` steps: a jump back up from vanished gradients is not an explosion. */
  readonly baseline: number | null;
  readonly streak: number;
  readonly onsetStep: number;
}

export interface ExplodingGradientsState {
  readonly g: NetState;
  readonly d: NetState;
}

const fresh: NetState = { history: [], baseline: null, streak: 0, onsetStep: 0 };

function largestLayer(norms: Readonly<Record<string, number>> | null | undefined): string {
  let best = '';
  let max = -Infinity;
  for (const [k, v] of Object.entries(norms ?? {})) {
    if (v > max) {
      max = v;
      best = k;
    }
  }
  return best;
}

/**
 * Exploding gradients: G's or D's global gradient norm jumps far above its recent median (or above an
 * absolute ceiling) for `patience` steps in a row. Non-finite norms are left to the nonFinite detector.
 */
export const explodingGradientsDetector: Detector<ExplodingGradientsConfig, ExplodingGradientsState> = {
  name: 'explodingGradients',
  initial: () => ({ g: fresh, d: fresh }),
  step(state, obs: Observation, config) {
    if (!config.enabled) return { state };
    const next: { g: NetState; d: NetState } = { g: state.g, d: state.d };
    let finding;
    for (const net of ['g', 'd'] as const) {
      const norm = net === 'g' ? obs.gGradNorm : obs.dGradNorm;
      if (norm === null || !Number.isFinite(norm)) continue;
      const prev = state[net];
      const med = Math.max(median(prev.history), prev.baseline ?? 0);
      const enough = prev.history.length >= config.minHistory;
      const exploding = norm > config.absoluteMax || (enough && med > 0 && norm > config.ratio * med);
      const streak = exploding ? prev.streak + 1 : 0;
      const onsetStep = exploding && prev.streak === 0 ? obs.step : prev.onsetStep;
      const history = pushWindow(prev.history, norm, config.window);
      const baseline = prev.baseline ?? (history.length >= config.window ? median(history) : null);
      next[net] = { history, baseline, streak, onsetStep };
      if (streak >= config.patience && finding === undefined) {
        const name = net === 'g' ? 'G' : 'D';
        const layer = largestLayer(net === 'g' ? obs.gLayerGradNorms : obs.dLayerGradNorms);
        finding = {
          onsetStep,
          severity: 'critical' as const,
          message:
            `${name}'s gradients are exploding: global norm ${fmt(norm)} at step ${obs.step}, ` +
            `${enough && med > 0 ? `${fmt(norm / med)}x the recent median ${fmt(med)}` : `above ${fmt(config.absoluteMax)}`}, ` +
            `for ${streak} steps${layer ? ` (largest layer: ${layer})` : ''}`,
          evidence: {
            network: name,
            gradNorm: norm,
            recentMedian: enough ? med : null,
            ratio: enough && med > 0 ? norm / med : null,
            steps: streak,
            largestLayer: layer || null,
          },
        };
      }
    }
    return { state: next, finding };
  },
};
