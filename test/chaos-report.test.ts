import { describe, expect, it } from 'vitest';
import {
  formatReport,
  mergeReport,
  type ExperimentOutcome,
  type ReportInput,
} from '../scripts/chaos/report.ts';

const outcome = (
  name: string,
  verdicts: ('PASS' | 'FAIL' | 'INFO')[],
  seconds: number,
  measured = 'm',
): ExperimentOutcome => ({
  name,
  title: `Experiment ${name}`,
  description: `What ${name} does.`,
  checks: verdicts.map((verdict, i) => ({ action: `${name} check ${i}`, measured, target: 't', verdict })),
  notes: [],
  seconds,
});

const input = (outcomes: ExperimentOutcome[], command: string, iso: string): ReportInput => ({
  command,
  options: { quick: false, seed: 7 },
  startedAt: new Date(iso),
  seconds: outcomes.reduce((s, o) => s + o.seconds, 0),
  outcomes,
  loadAtStart: [0.5, 0.4, 0.3],
});

describe('chaos report: a run of some experiments merged into the full report', () => {
  const full = formatReport(
    input(
      [
        outcome('alpha', ['PASS', 'PASS'], 10, 'old alpha'),
        outcome('beta', ['PASS', 'INFO'], 20, 'old beta'),
        outcome('gamma', ['PASS'], 30, 'old gamma'),
      ],
      'npm run chaos',
      '2026-12-01T00:00:00Z',
    ),
  );

  it('replaces only the sections and summary rows of the experiments run, and recounts the result line', () => {
    const merged = mergeReport(
      full,
      input(
        [outcome('beta', ['FAIL', 'INFO', 'PASS'], 25, 'new beta')],
        'node --import tsx scripts/chaos.ts --only beta',
        '2026-12-03T08:00:00Z',
      ),
    );
    // The other experiments and the full run's header are untouched.
    expect(merged).toContain('old alpha');
    expect(merged).toContain('old gamma');
    expect(merged).toContain('- command: `npm run chaos`');
    expect(merged).toContain('2026-12-01T00:00:00.000Z');
    // beta's section is the new one, once, saying when and how it was re-run.
    expect(merged).not.toContain('old beta');
    expect(merged.match(/new beta/g)).toHaveLength(3);
    expect(merged.match(/<a id="beta"><\/a>/g)).toHaveLength(1);
    expect(merged).toContain(
      'Re-run alone on 2026-12-03T08:00:00.000Z (`node --import tsx scripts/chaos.ts --only beta`)',
    );
    // Sections keep their order.
    expect(merged.indexOf('<a id="alpha">')).toBeLessThan(merged.indexOf('<a id="beta">'));
    expect(merged.indexOf('<a id="beta">')).toBeLessThan(merged.indexOf('<a id="gamma">'));
    // beta's summary row and the result line follow: 2 + 1 + 1 passed, 1 failed, 1 informational.
    expect(merged).toContain('| [Experiment beta](#beta) | 1 | **1** | 1 | 25 s |');
    expect(merged).toContain('| [Experiment alpha](#alpha) | 2 | 0 | 0 | 10 s |');
    expect(merged).toContain('- result: 4 passed, 1 failed, 1 informational');
  });

  it('adds an experiment the report does not have at the end', () => {
    const merged = mergeReport(
      full,
      input([outcome('delta', ['PASS'], 5, 'new delta')], 'x', '2026-12-03T08:00:00Z'),
    );
    expect(merged.indexOf('<a id="delta">')).toBeGreaterThan(merged.indexOf('<a id="gamma">'));
    expect(merged).toContain('old gamma');
    expect(merged).toContain('new delta');
  });
});
