/** Small pure statistics over number series, used by the detectors. */

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function standardDeviation(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / Math.max(1, xs.length));
}

/** xs minus its least-squares line (so a trend does not read as correlation). */
export function detrend(xs: readonly number[]): number[] {
  const n = xs.length;
  if (n < 2) return xs.map(() => 0);
  const tMean = (n - 1) / 2;
  const xMean = mean(xs);
  let num = 0;
  let den = 0;
  xs.forEach((x, t) => {
    num += (t - tMean) * (x - xMean);
    den += (t - tMean) * (t - tMean);
  });
  const slope = num / den;
  return xs.map((x, t) => x - xMean - slope * (t - tMean));
}

/**
 * Autocorrelation of a (detrended) series at lags 1..maxLag (biased estimator: sum over the
 * overlap divided by the total variance). Index 0 of the result is lag 1. All zeros for a flat series.
 */
export function autocorrelation(xs: readonly number[], maxLag: number): number[] {
  const x = detrend(xs);
  let variance = 0;
  for (const v of x) variance += v * v;
  const out: number[] = [];
  for (let lag = 1; lag <= maxLag; lag++) {
    if (variance === 0 || lag >= x.length) {
      out.push(0);
      continue;
    }
    let s = 0;
    for (let t = 0; t + lag < x.length; t++) s += (x[t] as number) * (x[t + lag] as number);
    out.push(s / variance);
  }
  return out;
}

/** The last `n` items of xs plus `x` (a sliding window as a new array). */
export function pushWindow<T>(xs: readonly T[], x: T, n: number): T[] {
  const out = xs.length >= n ? xs.slice(xs.length - n + 1) : xs.slice();
  out.push(x);
  return out;
}

export { fmt } from '@ganforge/runs';
