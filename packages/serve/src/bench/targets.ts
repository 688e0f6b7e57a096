import type { ScenarioResult, ServeBenchResult } from './serve-bench.ts';

/** One of the serving targets, checked against a benchmark run (undefined: the run lacks the row). */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const x = (v: number) => `${v.toFixed(2)}x`;

/** A row's lowest and highest slice ratio against the naive server ("0.91-1.05"), if it has two or more. */
export function sliceRange(s: Pick<ScenarioResult, 'sliceRatios'>): string | undefined {
  const r = s.sliceRatios;
  if (!r || r.length < 2) return undefined;
  return `${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)}`;
}

/** A row behind the naive server, as the target's line names it: "1x1 (0.93x; slices 0.80-1.05)". */
function behindRow(s: ScenarioResult): string {
  const range = sliceRange(s);
  return `${s.n}x${s.connections} (${x(s.samplesPerSec / s.naive!.samplesPerSec)}${range ? `; slices ${range}` : ''})`;
}

/**
 * The serving targets as ratios within one run (so they hold on any machine): n=1 at 32 connections
 * >= 1.2x the naive server's samples/s with a p50 no worse; n=16 at 8 connections >= 0.8x raw
 * session.run at the max batch; a lone request within 1 ms of the naive server's; and ahead of the
 * naive server at every row it ran.
 */
export function checkTargets(r: ServeBenchResult): TargetCheck[] {
  const npy = r.scenarios.filter((s) => s.format === 'npy');
  const row = (n: number, c: number) => npy.find((s) => s.n === n && s.connections === c);
  const checks: TargetCheck[] = [];

  const a = row(1, 32);
  checks.push(
    a?.naive
      ? {
          target: 'n=1 x 32 connections: >= 1.2x naive samples/s, p50 no worse',
          measured: `${x(a.samplesPerSec / a.naive.samplesPerSec)}, p50 ${a.p50Ms.toFixed(1)} vs ${a.naive.p50Ms.toFixed(1)} ms`,
          met: a.samplesPerSec >= 1.2 * a.naive.samplesPerSec && a.p50Ms <= a.naive.p50Ms,
        }
      : { target: 'n=1 x 32 connections vs naive', measured: 'not run', met: undefined },
  );

  const b = row(16, 8);
  checks.push({
    target: `n=16 x 8 connections: >= 0.8x raw session.run at batch ${r.maxBatch}`,
    measured: b ? x(b.ratio) : 'not run',
    met: b ? b.ratio >= 0.8 : undefined,
  });

  const lone = r.lone;
  checks.push(
    lone?.naive
      ? {
          target: 'lone request (n=1, one connection, sequential): p50 within 1 ms of naive',
          measured: `${lone.ganforge.p50Ms.toFixed(2)} vs ${lone.naive.p50Ms.toFixed(2)} ms (+${(lone.ganforge.p50Ms - lone.naive.p50Ms).toFixed(2)} ms)`,
          met: lone.ganforge.p50Ms - lone.naive.p50Ms <= 1,
        }
      : { target: 'lone request vs naive', measured: 'not run', met: undefined },
  );

  const compared = npy.filter((s) => s.naive && s.naive.samplesPerSec > 0);
  const behind = compared.filter((s) => s.samplesPerSec < s.naive!.samplesPerSec);
  checks.push({
    target: 'ahead of naive (>= 1.00x samples/s) at every row',
    measured:
      compared.length === 0
        ? 'not run'
        : behind.length === 0
          ? `all ${compared.length} rows`
          : `behind at ${behind.map(behindRow).join(', ')}`,
    met: compared.length === 0 ? undefined : behind.length === 0,
  });
  return checks;
}

/** The checks as Markdown list lines. */
export function formatTargets(checks: readonly TargetCheck[]): string[] {
  return checks.map(
    (c) =>
      `- ${c.met === undefined ? 'not measured' : c.met ? 'met' : '**not met**'}: ${c.target}: ${c.measured}`,
  );
}
