/**
 * The serving benchmark's verdicts (targets.ts) and its table's "vs naive" column, read off a run's
 * figures: a row behind the naive server names its slice range, so a reader can tell a row behind in
 * every slice from one level with it within the run's noise.
 */
import { describe, expect, it } from 'vitest';
import { formatServeBench, type ScenarioResult, type ServeBenchResult } from './serve-bench.ts';
import { checkTargets, formatTargets, sliceRange } from './targets.ts';

const load = (samplesPerSec: number, n: number) => ({
  requestsPerSec: samplesPerSec / n,
  samplesPerSec,
  p50Ms: 2,
  p99Ms: 5,
  non2xx: 0,
  errors: 0,
});

function row(
  n: number,
  connections: number,
  ours: number,
  naive: number,
  sliceRatios?: number[],
): ScenarioResult {
  return {
    n,
    connections,
    format: 'npy',
    ...load(ours, n),
    meanBatch: n,
    rawBatchMax: 10_000,
    ratio: ours / 10_000,
    naive: load(naive, n),
    ...(sliceRatios ? { sliceRatios } : {}),
  };
}

function run(scenarios: ScenarioResult[]): ServeBenchResult {
  return {
    model: 'm',
    cpu: 'cpu',
    cores: 2,
    loadAverage: [0, 0],
    workers: 2,
    threadsPerWorker: 1,
    maxBatch: 64,
    maxDelayMs: 0,
    inlineMaxSamples: 64,
    inlineMaxMs: 10,
    inlineThreads: 2,
    spreadMinSamples: 8,
    workerNice: 2,
    busy: 0,
    durationS: 4,
    rounds: 3,
    warmUpS: 4,
    fastPath: true,
    provider: 'cpu',
    raw: { batch1: 5000, batchMax: 10_000, batchMaxBefore: 10_000, batchMaxAfter: 10_000 },
    scenarios,
  };
}

const ahead = (checks: ReturnType<typeof checkTargets>) =>
  checks.find((c) => c.target.startsWith('ahead of naive'))!;

describe('serving targets', () => {
  it('gives the lowest and highest slice ratio of a row that has two or more', () => {
    expect(sliceRange({ sliceRatios: [1.05, 0.912, 0.98] })).toBe('0.91-1.05');
    expect(sliceRange({ sliceRatios: [1.1] })).toBeUndefined();
    expect(sliceRange({})).toBeUndefined();
  });

  it('names each row behind the naive server with its ratio and slice range, and fails the target', () => {
    const r = run([
      row(1, 1, 2986, 2721, [1.2, 1.01, 1.1]),
      row(4, 1, 5212, 5338, [0.91, 1.05, 0.98]),
      row(1, 32, 5600, 4400),
    ]);
    const check = ahead(checkTargets(r));
    expect(check.met).toBe(false);
    expect(check.measured).toBe('behind at 4x1 (0.98x; slices 0.91-1.05)');
    expect(formatTargets([check])[0]).toBe(
      '- **not met**: ahead of naive (>= 1.00x samples/s) at every row: behind at 4x1 (0.98x; slices 0.91-1.05)',
    );
  });

  it('meets the target when every row is ahead, and shows each row range in the table', () => {
    const r = run([row(1, 1, 2986, 2721, [1.2, 1.01, 1.1]), row(16, 8, 9000, 7000)]);
    expect(ahead(checkTargets(r))).toMatchObject({ met: true, measured: 'all 2 rows' });
    const table = formatServeBench(r);
    expect(table).toContain('| 1.10x (1.01-1.20) |');
    // A row without slice ratios (one round) shows the merged ratio alone.
    expect(table).toContain('| 1.29x |');
  });
});
