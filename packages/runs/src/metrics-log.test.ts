import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lastMetricsStep } from './metrics-log.ts';

const dir = mkdtempSync(join(tmpdir(), 'ganforge-metrics-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (step: number) => `${JSON.stringify({ step, dLoss: 0.5, pad: 'x'.repeat(100) })}\n`;

describe('lastMetricsStep: how far training has got, from the tail of metrics.jsonl', () => {
  it('is the step of the last complete line, not of a line still being written', () => {
    const f = join(dir, 'a.jsonl');
    writeFileSync(f, line(1) + line(2) + line(3));
    expect(lastMetricsStep(f)).toBe(3);
    writeFileSync(f, line(1) + line(2) + line(3).slice(0, 40));
    expect(lastMetricsStep(f)).toBe(2);
  });

  it('reads only the tail: a line cut at the start of the tail is skipped, the next whole one counts', () => {
    const f = join(dir, 'b.jsonl');
    writeFileSync(f, Array.from({ length: 50 }, (_, i) => line(i + 1)).join(''));
    expect(lastMetricsStep(f, 300)).toBe(50);
    // A tail shorter than one line holds no whole line.
    expect(lastMetricsStep(f, 60)).toBeUndefined();
  });

  it('is undefined for a missing or empty file', () => {
    expect(lastMetricsStep(join(dir, 'none.jsonl'))).toBeUndefined();
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(lastMetricsStep(join(dir, 'empty.jsonl'))).toBeUndefined();
  });
});
