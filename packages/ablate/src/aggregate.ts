import {
  ABLATION_METRICS,
  type AblationMetric,
  type RunResult,
  type Stat,
  type VariantSummary,
} from './types.ts';

/** mean, sample standard deviation (n - 1; 0 for one value), min and max. Empty input: undefined. */
export function describe(values: readonly number[]): Stat | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const ss = values.reduce((a, b) => a + (b - mean) ** 2, 0);
  return {
    mean,
    std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    min: Math.min(...values),
    max: Math.max(...values),
    n,
  };
}

function statsAt(runs: readonly RunResult[], step: number): Record<AblationMetric, Stat> | undefined {
  const out: Partial<Record<AblationMetric, Stat>> = {};
  for (const metric of ABLATION_METRICS) {
    const values = runs.flatMap((r) => {
      const v = r.evaluations.find((e) => e.step === step)?.metrics[metric];
      return v === undefined || !Number.isFinite(v) ? [] : [v];
    });
    const s = describe(values);
    if (s === undefined) return undefined;
    out[metric] = s;
  }
  return out as Record<AblationMetric, Stat>;
}

/**
 * One variant's numbers over its completed runs (seeds): every metric at the final step and along the
 * curve of evaluated steps, and its detector events counted per detector (all runs, finished or not).
 */
export function summarizeVariant(
  name: string,
  runs: readonly RunResult[],
  evalSteps: readonly number[],
): VariantSummary {
  const mine = runs.filter((r) => r.variant === name);
  const done = mine.filter((r) => r.status === 'completed');
  const curve = evalSteps.flatMap((step) => {
    const stats = statsAt(done, step);
    return stats === undefined ? [] : [{ step, stats }];
  });
  const last = evalSteps[evalSteps.length - 1];
  const events: Record<string, number> = {};
  for (const r of mine) for (const e of r.events) events[e.detector] = (events[e.detector] ?? 0) + 1;
  return {
    name,
    final: last === undefined ? undefined : statsAt(done, last),
    curve,
    events,
    completedRuns: done.length,
  };
}

/** A variant against the reference variant on one metric: the difference of means, and how sure it is. */
export interface Comparison {
  /** variant mean − reference mean. */
  readonly difference: number;
  /** Welch's standard error of that difference: √(s₁²/n₁ + s₂²/n₂). */
  readonly standardError: number;
  /** difference / standardError (Welch's t); ±Infinity when both spreads are 0 and the means differ. */
  readonly t: number;
}

/** Welch's comparison of two variants' values over their seeds. */
export function compare(reference: Stat, variant: Stat): Comparison {
  const difference = variant.mean - reference.mean;
  const standardError = Math.sqrt(reference.std ** 2 / reference.n + variant.std ** 2 / variant.n);
  const t =
    standardError > 0 ? difference / standardError : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  return { difference, standardError, t };
}
