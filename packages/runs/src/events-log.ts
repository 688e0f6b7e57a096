import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.ts';
import { parseJsonl } from './jsonl.ts';
import { fmt } from './format-number.ts';
import type { FailureEvent } from './failure-event.ts';

/** The run directory's event log: one FailureEvent (JSON) per line, appended as they happen. */
export const EVENTS_FILE = 'events.jsonl';

/** Rescues done by `--on-failure rescue` (see supervise.ts), one RescueRecord (JSON) per line. */
export const RESCUES_FILE = 'rescues.jsonl';

/** Appends one event line. A line is small, so an append is all or nothing. */
export function appendEvent(file: string, event: FailureEvent): void {
  appendFileSync(file, `${JSON.stringify(event)}\n`);
}

/** Every complete event line of an events.jsonl file ([] when it does not exist; a torn last line is ignored). */
export function readEvents(file: string): FailureEvent[] {
  return existsSync(file) ? parseJsonl<FailureEvent>(readFileSync(file, 'utf8')) : [];
}

/** Complete lines of an append-only log (events.jsonl, rescues.jsonl); 0 when it does not exist. */
export function countLogLines(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').length - 1;
}

/**
 * Cuts an append-only log back to its first `lines` lines: what a resume from an older checkpoint
 * abandons (the steps after it are done again and log their events again).
 */
export function truncateLogLines(file: string, lines: number): void {
  if (countLogLines(file) <= lines) return;
  const kept = readFileSync(file, 'utf8').split('\n').slice(0, lines);
  writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
}

/**
 * The event for a terminal: one headline plus the remedies, e.g.
 *   [step 412] CRITICAL discriminatorOverpowering: the discriminator is overpowering ...
 *     try: techniques.instanceNoise - Add instance noise ... (docs/techniques.md#instance-noise)
 */
export function formatEvent(event: FailureEvent, maxRemedies = 3): string {
  const lines = [`[step ${event.step}] ${event.severity.toUpperCase()} ${event.detector}: ${event.message}`];
  for (const r of event.remedies.slice(0, maxRemedies)) {
    lines.push(`  try: ${r.technique} - ${r.text} (${r.source})${r.rescuable ? '' : ' [needs a new run]'}`);
  }
  if (event.remedies.length > maxRemedies)
    lines.push(`  (+${event.remedies.length - maxRemedies} more remedies)`);
  return lines.join('\n');
}

/** Evidence as `key=value` pairs (for logs and the report). */
export function formatEvidence(event: FailureEvent): string {
  return Object.entries(event.evidence)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : String(v)}`)
    .join(' ');
}
