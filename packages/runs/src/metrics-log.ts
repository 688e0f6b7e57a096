import { appendFileSync, existsSync, readFileSync } from 'node:fs';
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
