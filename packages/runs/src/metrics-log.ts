import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { GanforgeError } from '@ganforge/core';
import type { StepMetrics } from './step-metrics.ts';
import { writeFileAtomic } from './atomic.ts';

/** Appends one step's metrics as a line of metrics.jsonl. */
export function appendMetrics(file: string, metrics: StepMetrics): void {
  appendFileSync(file, `${JSON.stringify(metrics)}\n`);
}

/** Every line of a metrics.jsonl (an unfinished last line, from a crash mid-write, is ignored). */
export function readMetrics(file: string): StepMetrics[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: StepMetrics[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as StepMetrics);
    } catch (e) {
      if (i === lines.length - 1) return; // the torn last line of an interrupted write
      throw new GanforgeError('bad_metrics', `${file} line ${i + 1} is not JSON`, { cause: e });
    }
  });
  return out;
}

/** Drops the lines after `step` (a run resumed from an older checkpoint redoes those steps). */
export function truncateMetrics(file: string, step: number): void {
  if (!existsSync(file)) return;
  const kept = readMetrics(file).filter((m) => m.step <= step);
  writeFileAtomic(file, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
}

/**
 * The step of the last complete line of a metrics.jsonl, reading only the file's tail (a progress
 * view polls it while training appends); undefined when there is no complete line yet.
 */
export function lastMetricsStep(file: string, tailBytes = 65_536): number | undefined {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, tailBytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    // The last element follows the last newline: empty, or a line still being written.
    for (let i = lines.length - 2; i >= (length < size ? 1 : 0); i--) {
      try {
        const step = (JSON.parse(lines[i]!) as Partial<StepMetrics>).step;
        if (typeof step === 'number') return step;
      } catch {
        // not a whole line (the cut start of the tail): look further back
      }
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
