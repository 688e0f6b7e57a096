import { describe as suite, expect, it } from 'vitest';
import { compare, describe, summarizeVariant } from './aggregate.ts';
import type { AblationMetric, RunResult } from './types.ts';

function run(
  variant: string,
  seed: number,
  fds: readonly [number, number][],
  status: RunResult['status'] = 'completed',
  detectors: readonly string[] = [],
): RunResult {
  return {
    id: `${variant}--seed-${seed}`,
    variant,
    seed,
    status,
    evaluations: fds.map(([step, fd]) => ({
      step,
      metrics: {
        frechetDistance: fd,
        classifierScore: fd / 10,
        classCoverage: 1 - fd / 1000,
        recall: seed / 10,
      },
    })),
    events: detectors.map((detector, i) => ({ step: i, detector, severity: 'warning', message: detector })),
  };
}

suite('describe', () => {
  it('gives mean, sample std (n - 1), min and max as a direct computation does', () => {
    const xs = [40.5, 47.25, 43, 51.125];
    const mean = (40.5 + 47.25 + 43 + 51.125) / 4;
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / 3;
    const s = describe(xs);
    expect(s?.mean).toBeCloseTo(mean, 12);
    expect(s?.std).toBeCloseTo(Math.sqrt(variance), 12);
    expect(s).toMatchObject({ min: 40.5, max: 51.125, n: 4 });
  });

  it('one value has std 0; no values give undefined', () => {
    expect(describe([3])).toEqual({ mean: 3, std: 0, min: 3, max: 3, n: 1 });
    expect(describe([])).toBeUndefined();
  });
});

suite('summarizeVariant', () => {
  const runs = [
    run('a', 1, [
      [10, 90],
      [20, 60],
    ]),
    run(
      'a',
      2,
      [
        [10, 80],
        [20, 40],
      ],
      'completed',
      ['modeCollapse'],
    ),
    run('a', 3, [[10, 70]], 'incomplete', ['modeCollapse', 'discriminatorOverpowering']),
    run('b', 1, [
      [10, 5],
      [20, 1],
    ]),
  ];

  it('aggregates completed runs only, at the final step and along the curve', () => {
    const v = summarizeVariant('a', runs, [10, 20]);
    expect(v.completedRuns).toBe(2);
    const fd = (at: number, m: AblationMetric = 'frechetDistance') =>
      v.curve.find((c) => c.step === at)?.stats[m];
    expect(fd(10)).toMatchObject({ mean: 85, min: 80, max: 90, n: 2 });
    expect(fd(10)?.std).toBeCloseTo(Math.SQRT2 * 5, 12);
    expect(v.final?.frechetDistance).toMatchObject({ mean: 50, min: 40, max: 60, n: 2 });
    expect(v.final?.recall.mean).toBeCloseTo(0.15, 12);
  });

  it('counts detector events of every run of the variant, finished or not', () => {
    expect(summarizeVariant('a', runs, [10, 20]).events).toEqual({
      modeCollapse: 2,
      discriminatorOverpowering: 1,
    });
    expect(summarizeVariant('b', runs, [10, 20]).events).toEqual({});
  });

  it('a variant without completed runs has no final numbers and no curve', () => {
    const v = summarizeVariant('c', runs, [10, 20]);
    expect(v.final).toBeUndefined();
    expect(v.curve).toEqual([]);
    expect(v.completedRuns).toBe(0);
  });
});

suite('compare', () => {
  it("is Welch's difference, standard error and t, computed directly", () => {
    const a = describe([160, 150, 170])!;
    const b = describe([130, 140, 135])!;
    const c = compare(a, b);
    expect(c.difference).toBeCloseTo(135 - 160, 12);
    const se = Math.sqrt(100 / 3 + 25 / 3);
    expect(c.standardError).toBeCloseTo(se, 12);
    expect(c.t).toBeCloseTo(-25 / se, 12);
  });

  it('no spread: t is 0 for equal means and infinite otherwise', () => {
    expect(compare(describe([10, 10])!, describe([10, 10])!).t).toBe(0);
    expect(compare(describe([10, 10])!, describe([9, 9])!).t).toBe(-Infinity);
  });
});
