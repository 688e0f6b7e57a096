import { createRng, type Rng } from '@ganforge/core';
import type { DiagnosticMetrics } from '../diagnostics/types.ts';

/**
 * Synthetic metric streams shaped like the curves of the source articles (docs/techniques.md#sources):
 * a balanced run (noisy losses around log 2, D(x) ~ 0.55, D(G(z)) ~ 0.45) and the failure modes, for the
 * detector tests.
 */

export function healthyStep(step: number, rng: Rng): DiagnosticMetrics {
  const n = (): number => rng.nextNormal();
  return {
    step,
    dLossReal: Math.max(0.05, 0.62 + 0.1 * n()),
    dLossFake: Math.max(0.05, 0.68 + 0.1 * n()),
    gLoss: Math.max(0.05, 0.85 + 0.15 * n()),
    dReal: 0.55 + 0.05 * n(),
    dFake: 0.45 + 0.05 * n(),
    foolRate: 0.4 + 0.05 * n(),
    gGradNorm: Math.exp(0.3 * n()),
    dGradNorm: 0.6 * Math.exp(0.3 * n()),
  };
}

export function healthyStream(steps: number, seed = 1): DiagnosticMetrics[] {
  const rng = createRng(seed);
  return Array.from({ length: steps }, (_, i) => healthyStep(i + 1, rng));
}

/** Geometric interpolation from a to b over `over` steps (t = steps since the start). */
function towards(a: number, b: number, t: number, over: number): number {
  const f = Math.min(1, t / over);
  return a * Math.pow(b / a, f);
}

/**
 * Healthy until `onset`, then D wins within `decay` steps: D loss -> 0.001, D(G(z)) -> 0.001 and,
 * with a saturating (minimax) G loss, G's gradient norm -> 1e-6 and G's loss -> ~0.
 * `nonSaturating`: G's loss climbs to ~7 instead, its gradient stays.
 */
export function overpoweringStream(
  steps: number,
  opts: { onset: number; decay?: number; nonSaturating?: boolean; seed?: number },
): DiagnosticMetrics[] {
  const rng = createRng(opts.seed ?? 2);
  const decay = opts.decay ?? 20;
  return Array.from({ length: steps }, (_, i) => {
    const step = i + 1;
    const h = healthyStep(step, rng);
    if (step < opts.onset) return h;
    const t = step - opts.onset;
    const wobble = Math.exp(0.2 * rng.nextNormal());
    const dFake = towards(0.45, 0.001, t, decay) * wobble;
    return {
      ...h,
      dLossReal: towards(0.62, 0.0005, t, decay) * wobble,
      dLossFake: towards(0.68, 0.0005, t, decay) * wobble,
      dReal: 1 - towards(0.45, 0.001, t, decay),
      dFake,
      foolRate: 0,
      gLoss: opts.nonSaturating ? -Math.log(dFake) : -towards(0.6, 0.001, t, decay),
      gGradNorm: opts.nonSaturating ? (h.gGradNorm as number) : towards(1, 1e-6, t, decay) * wobble,
    };
  });
}

/** Healthy, then G's and D's gradient norms grow by `growth` per step from `onset` (a diverging lr). */
export function explodingStream(
  steps: number,
  opts: { onset: number; growth?: number },
): DiagnosticMetrics[] {
  const rng = createRng(3);
  return Array.from({ length: steps }, (_, i) => {
    const h = healthyStep(i + 1, rng);
    if (i + 1 < opts.onset) return h;
    const f = Math.pow(opts.growth ?? 1.6, i + 2 - opts.onset);
    return { ...h, gGradNorm: (h.gGradNorm as number) * f, dGradNorm: (h.dGradNorm as number) * f };
  });
}

/** Healthy, then from `onset` D's and G's losses swing against each other with period `period`. */
export function oscillatingStream(
  steps: number,
  opts: { onset: number; period?: number; amplitude?: number },
): DiagnosticMetrics[] {
  const rng = createRng(4);
  const period = opts.period ?? 10;
  const amp = opts.amplitude ?? 0.5;
  return Array.from({ length: steps }, (_, i) => {
    const step = i + 1;
    const h = healthyStep(step, rng);
    if (step < opts.onset) return h;
    const s = Math.sin((2 * Math.PI * step) / period);
    return {
      ...h,
      dLossReal: Math.max(0.01, h.dLossReal + 0.5 * amp * s),
      dLossFake: Math.max(0.01, h.dLossFake + 0.5 * amp * s),
      gLoss: Math.max(0.01, (h.gLoss as number) - amp * s),
      dFake: Math.min(0.99, Math.max(0.01, h.dFake - 0.2 * s)),
    };
  });
}

/** `n` images of `dim` values in [-1, 1]: random ones (diverse) or copies of one (collapsed). */
export function imageBatch(rng: Rng, n: number, dim: number, kind: 'diverse' | 'collapsed'): Float32Array {
  const out = new Float32Array(n * dim);
  const one = Float32Array.from({ length: dim }, () => rng.nextFloat() * 2 - 1);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++)
      out[i * dim + k] = kind === 'collapsed' ? (one[k] as number) : rng.nextFloat() * 2 - 1;
  }
  return out;
}
