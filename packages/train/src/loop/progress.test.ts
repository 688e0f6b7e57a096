import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { StepMetrics } from '@ganforge/runs';
import { createProgressReporter } from './progress.ts';

/** A terminal as the bar sees it (isTTY, 60 columns) that records everything written to it. */
function fakeTerminal(): { stream: NodeJS.WriteStream; output: () => string } {
  const chunks: string[] = [];
  const stream = {
    isTTY: true,
    columns: 60,
    rows: 24,
    write(chunk: string | Uint8Array, ...rest: unknown[]): boolean {
      chunks.push(String(chunk));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    },
  };
  return { stream: stream as unknown as NodeJS.WriteStream, output: () => chunks.join('') };
}

function metrics(step: number): StepMetrics {
  return {
    step,
    epoch: 0,
    dLossReal: 0.69,
    dLossFake: 0.7,
    gLoss: 0.71,
    dReal: 0.5,
    dFake: 0.49,
    gGradNorm: 1,
    dGradNorm: 1,
    imagesPerSec: 100,
  } as StepMetrics;
}

/** The output with cursor moves and line clears taken out. */
const visible = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, ''); // eslint-disable-line no-control-regex

// A detector warning longer than the terminal is wide, on two lines (headline + remedy).
const WARNING =
  '[step 2] WARNING oscillation: D loss - G loss flips with a period of about 4 steps (autocorrelation -0.557 at lag 2)\n' +
  '  try: discriminator.dropout - Dropout in D (0.3-0.6) keeps G from exploiting a weakness of D (docs/techniques.md#dropout)';

describe('progress bar on a terminal', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a warning logged during training appears whole above the bar, which is drawn again under it', () => {
    const term = fakeTerminal();
    const progress = createProgressReporter({ totalSteps: 10, startStep: 0, stream: term.stream });
    progress.update(metrics(1));
    vi.advanceTimersByTime(500);
    progress.update(metrics(2));
    const before = term.output().length;
    progress.log(WARNING);
    const logged = term.output().slice(before);
    // the terminal's line wrapping is never turned off (that cuts every line at 60 columns)
    expect(term.output()).not.toContain('\x1b[?7l');
    // the bar's line is cleared first, then the warning is written as it is, then the bar again
    expect(logged.indexOf('\x1b[2K')).toBeLessThan(logged.indexOf(WARNING));
    expect(logged).toContain(`${WARNING}\n`);
    const after = visible(logged.slice(logged.indexOf(WARNING) + WARNING.length + 1));
    expect(after).toMatch(/^[█░]+ 2\/10 \| epoch 0/);
    // the bar itself is trimmed to the terminal's width, never wrapped onto a second line
    expect(after.length).toBeLessThanOrEqual(60);
    progress.stop();
  });

  test('once stopped, nothing draws the bar again: the last line printed stays the last', () => {
    const term = fakeTerminal();
    const progress = createProgressReporter({ totalSteps: 10, startStep: 0, stream: term.stream });
    for (let step = 1; step <= 10; step++) {
      progress.update(metrics(step));
      vi.advanceTimersByTime(100);
    }
    progress.stop();
    expect(visible(term.output())).toMatch(/10\/10 \| epoch 0[^\n]*\n$/);
    term.stream.write('done: 10 steps\n');
    // late calls (a stop from a finally block, an update or a log from a straggling callback) and frames
    progress.stop();
    progress.update(metrics(10));
    vi.advanceTimersByTime(5_000);
    expect(term.output().endsWith('done: 10 steps\n')).toBe(true);
    progress.log('stopped: a late message');
    expect(term.output().endsWith('done: 10 steps\nstopped: a late message\n')).toBe(true);
  });
});

test('plain lines: a log is a line of its own', () => {
  const term = fakeTerminal();
  const progress = createProgressReporter({ totalSteps: 4, startStep: 0, stream: term.stream, plain: true });
  progress.update(metrics(1));
  progress.log(WARNING);
  progress.update(metrics(2));
  progress.stop();
  const lines = term.output().split('\n');
  expect(lines[0]).toMatch(/^step 1\/4 epoch 0 \| D real 0\.690/);
  expect(lines.slice(1, 3).join('\n')).toBe(WARNING);
  expect(lines[3]).toMatch(/^step 2\/4/);
});
