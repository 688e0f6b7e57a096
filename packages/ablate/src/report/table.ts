/**
 * The comparison table of an ablation, shared by the Markdown and the HTML report: one row per variant,
 * per metric `mean ± std (min–max)` of the final evaluation over the seeds, the best mean per metric
 * marked, completed runs and detector events.
 */
import { compare } from '../aggregate.ts';
import {
  ABLATION_METRICS,
  LOWER_IS_BETTER,
  type AblationMetric,
  type AblationResult,
  type Stat,
} from '../types.ts';

/** Shown where a variant has no number (no completed run). */
export const NO_VALUE = '–';

/** Fréchet distance: 1 decimal. */
export function formatFrechetDistance(v: number): string {
  return v.toFixed(1);
}

/** Classifier score: 2 decimals. */
export function formatClassifierScore(v: number): string {
  return v.toFixed(2);
}

/** Class coverage (a count of classes, e.g. 9.7 of 10 over seeds): 1 decimal. */
export function formatClassCoverage(v: number): string {
  return v.toFixed(1);
}

/** Recall: 3 decimals. */
export function formatRecall(v: number): string {
  return v.toFixed(3);
}

/** The number format of each metric. */
export const METRIC_FORMAT: Readonly<Record<AblationMetric, (v: number) => string>> = {
  frechetDistance: formatFrechetDistance,
  classifierScore: formatClassifierScore,
  classCoverage: formatClassCoverage,
  recall: formatRecall,
};

/** Column titles, with the better direction. */
export const METRIC_TITLE: Readonly<Record<AblationMetric, string>> = {
  frechetDistance: 'FD ↓',
  classifierScore: 'classifier score ↑',
  classCoverage: 'classes covered ↑',
  recall: 'recall ↑',
};

/** Chart titles. */
export const METRIC_NAME: Readonly<Record<AblationMetric, string>> = {
  frechetDistance: 'Fréchet distance (lower is better)',
  classifierScore: 'classifier score (higher is better)',
  classCoverage: 'classes covered, of 10 (higher is better)',
  recall: 'recall (higher is better)',
};

/** `mean ± std (min–max)`; the ± part is left out where the std is not a number (one seed). */
export function formatStat(metric: AblationMetric, s: Stat): string {
  const f = METRIC_FORMAT[metric];
  const spread = Number.isFinite(s.std) ? ` ± ${f(s.std)}` : '';
  return `${f(s.mean)}${spread} (${f(s.min)}–${f(s.max)})`;
}

/** `modeCollapse 2, discriminatorOverpowering 1` (most frequent first) or `none`. */
export function formatEventCounts(events: Readonly<Record<string, number>>): string {
  const entries = Object.entries(events)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
}

export interface TableCell {
  readonly text: string;
  /** The best mean of its column (ties: all of them). */
  readonly best: boolean;
}

export interface TableRow {
  readonly variant: string;
  readonly metrics: Readonly<Record<AblationMetric, TableCell>>;
  /** `completed/planned`, e.g. `3/3`. */
  readonly runs: string;
  readonly events: string;
}

/** The rows of the comparison table, in the suite's variant order. */
export function ablationTable(result: AblationResult): TableRow[] {
  const shown = (v: AblationResult['variants'][number]): boolean =>
    v.completedRuns > 0 && v.final !== undefined;
  const best = {} as Record<AblationMetric, number | undefined>;
  for (const m of ABLATION_METRICS) {
    const means = result.variants
      .filter(shown)
      .map((v) => v.final?.[m].mean)
      .filter((x): x is number => x !== undefined && Number.isFinite(x));
    best[m] = means.length === 0 ? undefined : LOWER_IS_BETTER[m] ? Math.min(...means) : Math.max(...means);
  }
  return result.variants.map((v) => {
    const planned = result.plan.runs.filter((r) => r.variant === v.name).length || result.plan.seeds.length;
    const metrics = {} as Record<AblationMetric, TableCell>;
    for (const m of ABLATION_METRICS) {
      const stat = shown(v) ? v.final?.[m] : undefined;
      metrics[m] =
        stat === undefined
          ? { text: NO_VALUE, best: false }
          : { text: formatStat(m, stat), best: best[m] !== undefined && stat.mean === best[m] };
    }
    return {
      variant: v.name,
      metrics,
      runs: `${v.completedRuns}/${planned}`,
      events: formatEventCounts(v.events),
    };
  });
}

/** `500 generated vs 500 real test images, latent seed 7, every 1000 steps and at the end`. */
export function describeProtocol(result: AblationResult): string {
  const e = result.plan.evaluation;
  return `${e.samples} generated vs ${e.samples} real test images, latent seed ${e.seed}, every ${e.every} steps and at the end`;
}

/** |t| at or past which a difference is called better or worse (about p < 0.1, two-sided, at 3 + 3 seeds). */
export const T_THRESHOLD = 2;

export interface ComparisonCell {
  /** `−26.5 ± 6.9 (t −3.8)` */
  readonly text: string;
  /** better / worse than the reference past T_THRESHOLD (direction from LOWER_IS_BETTER), else 'same'. */
  readonly verdict: 'better' | 'worse' | 'same';
}

export interface ComparisonRow {
  readonly variant: string;
  readonly metrics: Readonly<Record<AblationMetric, ComparisonCell | undefined>>;
}

function signed(metric: AblationMetric, v: number): string {
  const text = METRIC_FORMAT[metric](Math.abs(v));
  return `${v < 0 ? '−' : '+'}${text}`;
}

/**
 * Every variant but the first against the first (the suite's reference) at the final evaluation: the
 * difference of means ± Welch's standard error, Welch's t, and whether it is better, worse or within
 * the noise of the seeds (|t| < T_THRESHOLD).
 */
export function comparisonTable(result: AblationResult): ComparisonRow[] {
  const [reference, ...others] = result.variants;
  const ref = reference?.final;
  if (ref === undefined || reference?.completedRuns === 0) return [];
  return others.map((v) => {
    const metrics = {} as Record<AblationMetric, ComparisonCell | undefined>;
    for (const m of ABLATION_METRICS) {
      const s = v.completedRuns > 0 ? v.final?.[m] : undefined;
      if (s === undefined) {
        metrics[m] = undefined;
        continue;
      }
      const c = compare(ref[m], s);
      const good = LOWER_IS_BETTER[m] ? c.t <= -T_THRESHOLD : c.t >= T_THRESHOLD;
      const bad = LOWER_IS_BETTER[m] ? c.t >= T_THRESHOLD : c.t <= -T_THRESHOLD;
      const t = Number.isFinite(c.t) ? c.t.toFixed(1).replace('-', '−') : c.t > 0 ? '∞' : '−∞';
      metrics[m] = {
        text: `${signed(m, c.difference)} ± ${METRIC_FORMAT[m](c.standardError)} (t ${t})`,
        verdict: good ? 'better' : bad ? 'worse' : 'same',
      };
    }
    return { variant: v.name, metrics };
  });
}

/** What the comparison table's cells mean (under it, in Markdown and in HTML). */
export const COMPARISON_NOTE =
  "Difference of means ± Welch's standard error (t = difference / standard error); better or worse where " +
  `|t| ≥ ${T_THRESHOLD} (about p < 0.1 at three seeds each), otherwise within the spread of the seeds.`;
