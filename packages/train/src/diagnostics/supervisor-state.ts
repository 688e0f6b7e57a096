import { Buffer } from 'node:buffer';
import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { CHECKPOINT_FILES, readCheckpointDiagnostics } from '@ganforge/runs';
import { initialDiagnosticsState, type DiagnosticsState } from './monitor.ts';
import type { SampleBatch } from './types.ts';

/**
 * What trainSupervised remembers between steps, saved with every checkpoint (diagnostics.json) so a
 * resumed run sees, decides and logs exactly what an uninterrupted one would have.
 */
export interface SupervisorState {
  readonly version: typeof SUPERVISOR_STATE_VERSION;
  /** The detectors' history: windows, streaks, fixed-z snapshots, the failures showing now. */
  readonly detectors: DiagnosticsState;
  /** The fixed-z grid written at the checkpoint's step, decoded; the detectors get it with the next step. */
  readonly pendingSamples: SampleBatch | null;
  /** Rescues done so far (counted against diagnostics.maxRescues), in this run and the runs it restarted. */
  readonly rescues: number;
  /** Lines of the run's events.jsonl and rescues.jsonl when the checkpoint was written. */
  readonly logLines: { readonly events: number; readonly rescues: number };
}

export const SUPERVISOR_STATE_VERSION = 1;

/** Marks the values plain JSON cannot carry exactly: float arrays (as base64) and NaN, ±Infinity, -0. */
interface Encoded {
  readonly $f32?: string;
  readonly $num?: 'NaN' | 'Infinity' | '-Infinity' | '-0';
}

function encodeValue(value: unknown): unknown {
  if (value instanceof Float32Array) {
    return { $f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { $num: Object.is(value, -0) ? '-0' : String(value) };
  }
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.length !== 1) return value;
  const { $f32, $num } = value as Encoded;
  if (typeof $f32 === 'string') {
    const bytes = Buffer.from($f32, 'base64');
    if (bytes.byteLength % 4 !== 0) return value;
    const out = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  if ($num === '-0') return -0;
  if ($num === 'NaN' || $num === 'Infinity' || $num === '-Infinity') return Number($num);
  return value;
}

/** The state as JSON text that reads back bit for bit (sample batches and non-finite numbers included). */
export function encodeSupervisorState(state: SupervisorState): string {
  return `${JSON.stringify(state, (_key, value: unknown) => encodeValue(value))}\n`;
}

const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;

function isSampleBatch(x: unknown): x is SampleBatch {
  const b = x as Partial<SampleBatch> | null;
  return b !== null && typeof b === 'object' && b.data instanceof Float32Array && count(b.n);
}

/** Whether a decoded value has this version's layout (the detectors' own fields are theirs to read). */
function isSupervisorState(x: unknown): x is SupervisorState {
  if (x === null || typeof x !== 'object') return false;
  const s = x as Partial<Record<keyof SupervisorState, unknown>>;
  if (s.version !== SUPERVISOR_STATE_VERSION || !count(s.rescues)) return false;
  const lines = s.logLines as Partial<SupervisorState['logLines']> | null | undefined;
  if (!lines || typeof lines !== 'object' || !count(lines.events) || !count(lines.rescues)) return false;
  if (s.pendingSamples !== null && !isSampleBatch(s.pendingSamples)) return false;
  const detectors = s.detectors as Record<string, unknown> | null | undefined;
  if (!detectors || typeof detectors !== 'object' || !Array.isArray(detectors['active'])) return false;
  const want = Object.keys(initialDiagnosticsState()).sort();
  const have = Object.keys(detectors).sort();
  return want.length === have.length && want.every((k, i) => k === have[i]);
}

/**
 * Reads encodeSupervisorState's text back. Undefined when it is of another version or layout (e.g.
 * written by another release): the caller starts the detectors afresh. Throws on text that is not JSON.
 */
export function decodeSupervisorState(text: string): SupervisorState | undefined {
  const value: unknown = JSON.parse(text, (_key, v: unknown) => decodeValue(v));
  return isSupervisorState(value) ? value : undefined;
}

/**
 * The supervisor's state saved in a checkpoint folder; undefined when it has none (written without
 * the detectors, or before they were saved) or one of another layout: the detectors then start afresh.
 */
export function readCheckpointSupervisorState(dir: string): SupervisorState | undefined {
  const text = readCheckpointDiagnostics(dir);
  if (text === undefined) return undefined;
  try {
    return decodeSupervisorState(text);
  } catch (e) {
    throw new GanforgeError(
      'bad_checkpoint',
      `${join(dir, CHECKPOINT_FILES.diagnostics)} cannot be read: ${(e as Error).message}`,
      {
        cause: e,
        hint: 'the checkpoint is damaged; resume from another one (pass its checkpoints/step-XXXXXX folder)',
      },
    );
  }
}
