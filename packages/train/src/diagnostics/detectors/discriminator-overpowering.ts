import { z } from 'zod';
import { fmt, median, pushWindow } from '../series.ts';
import type { Detector } from '../types.ts';

export const DiscriminatorOverpoweringConfigSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe('Detect D overpowering G (D loss -> 0, D(G(z)) -> 0, G gradient vanishing)'),
    window: z
      .int()
      .min(2)
      .max(100_000)
      .default(50)
      .describe('Steps the condition must hold (in `fraction` of them)'),
    fraction: z
      .number()
      .gt(0)
      .max(1)
      .default(0.9)
      .describe('Share of the window in which the condition must hold (tolerates a few noisy steps)'),
    dLossMax: z
      .number()
      .gt(0)
      .default(0.05)
      .describe(
        "D's loss on the fake batch below this counts as near 0 (the real-side loss is not used: one-sided label smoothing and instance noise keep it above 0 even when D wins)",
      ),
    dFakeMax: z.number().gt(0).lt(1).default(0.05).describe('Mean D(G(z)) below this counts as near 0'),
    gGradNormMax: z
      .number()
      .gt(0)
      .default(1e-3)
      .describe("G's global gradient norm below this counts as vanished (saturating losses)"),
    gLossMin: z
      .number()
      .default(3)
      .describe(
        "Or: G's loss above this (non-saturating loss, -ln 0.05 = 3: the gradient survives but says only 'everything is fake')",
      ),
  })
  .strict()
  .prefault({})
  .describe(
    'Discriminator overpowering the generator: convergence failure, vanishing G gradient (docs/techniques.md#discriminator-overpowering)',
  );
export type DiscriminatorOverpoweringConfig = z.output<typeof DiscriminatorOverpoweringConfigSchema>;

interface Sample {
  readonly step: number;
  readonly held: boolean;
  readonly dLoss: number;
  readonly dLossFake: number;
  readonly dReal: number;
  readonly dFake: number;
  readonly gGradNorm: number | null;
  readonly gLoss: number | null;
}

export interface DiscriminatorOverpoweringState {
  readonly window: readonly Sample[];
  /**
   * First step of the current stretch in which the condition holds (a few noisy misses, within
   * 1 - fraction of the window, do not end it): where the failure began, for the rescue's rollback.
   */
  readonly streakStart: number | null;
}

/**
 * D overpowering G: for most of `window` steps D's loss is near 0, D(G(z)) near 0, and G gets no
 * useful gradient (its norm vanished, or its loss is huge). "All About Training GAN" (seri): when these
 * scores do not recover for many iterations, it is better to stop training
 * (docs/techniques.md#discriminator-overpowering).
 */
export const discriminatorOverpoweringDetector: Detector<
  DiscriminatorOverpoweringConfig,
  DiscriminatorOverpoweringState
> = {
  name: 'discriminatorOverpowering',
  initial: () => ({ window: [], streakStart: null }),
  step(state, obs, config) {
    if (!config.enabled) return { state };
    const dLoss = obs.dLossReal + obs.dLossFake;
    const gStarved =
      obs.gGradNorm === null || obs.gLoss === null // G not updated this step: judge by D alone
        ? true
        : obs.gGradNorm < config.gGradNormMax || obs.gLoss > config.gLossMin;
    const held = obs.dLossFake < config.dLossMax && obs.dFake < config.dFakeMax && gStarved;
    const sample: Sample = {
      step: obs.step,
      held,
      dLoss,
      dLossFake: obs.dLossFake,
      dReal: obs.dReal,
      dFake: obs.dFake,
      gGradNorm: obs.gGradNorm,
      gLoss: obs.gLoss,
    };
    const window = pushWindow(state.window, sample, config.window);
    const misses = window.filter((s) => !s.held).length;
    const streakStart = held
      ? (state.streakStart ?? obs.step)
      : misses > (1 - config.fraction) * config.window
        ? null
        : state.streakStart;
    const next = { window, streakStart };
    if (window.length < config.window || !held) return { state: next };
    const heldCount = window.filter((s) => s.held).length;
    if (heldCount < config.fraction * config.window) return { state: next };
    const gNorms = window.flatMap((s) => (s.gGradNorm === null ? [] : [s.gGradNorm]));
    const gLosses = window.flatMap((s) => (s.gLoss === null ? [] : [s.gLoss]));
    const evidence = {
      // medians over the window
      window: config.window,
      stepsHeld: heldCount,
      dLoss: median(window.map((s) => s.dLoss)),
      dLossFake: median(window.map((s) => s.dLossFake)),
      dReal: median(window.map((s) => s.dReal)),
      dFake: median(window.map((s) => s.dFake)),
      gGradNorm: gNorms.length > 0 ? median(gNorms) : null,
      gLoss: gLosses.length > 0 ? median(gLosses) : null,
    };
    return {
      state: next,
      finding: {
        onsetStep: Math.min(streakStart ?? obs.step, (window[0] as Sample).step),
        severity: 'critical',
        message:
          `the discriminator is overpowering the generator: over the last ${config.window} steps D's loss was ` +
          `${fmt(evidence.dLoss)} (${fmt(evidence.dLossFake)} on fakes), D(x) ${fmt(evidence.dReal)}, D(G(z)) ${fmt(evidence.dFake)}, G's gradient norm ` +
          `${fmt(evidence.gGradNorm)} and G's loss ${fmt(evidence.gLoss)}: G gets no useful gradient ` +
          (evidence.gGradNorm !== null && evidence.gGradNorm < config.gGradNormMax
            ? '(it has vanished)'
            : "(it only says 'everything is fake')"),
        evidence,
      },
    };
  },
};
