/**
 * What an experiment is to the chaos suite: its options, its context (abort signal, children, temp
 * folders, where its table rows go) and the rows it records.
 */
import type { ChildSet } from './processes.ts';

export type Verdict = 'PASS' | 'FAIL' | 'INFO';

/** One row of an experiment's table: what was done, what was measured, the target, the verdict. */
export interface Check {
  readonly action: string;
  readonly measured: string;
  readonly target: string;
  readonly verdict: Verdict;
}

export interface ChaosOptions {
  readonly quick: boolean;
  /** Seed of every random choice (kill moments); printed, so a run can be repeated. */
  readonly seed: number;
}

/**
 * Handed to an experiment: options, an abort signal (set when its time is up), its scratch space, and
 * where its table rows go (rows recorded before a timeout are kept).
 */
export interface ExperimentContext {
  readonly options: ChaosOptions;
  readonly signal: AbortSignal;
  /** Child processes started through this are ended (by pid) when the experiment ends. */
  readonly children: ChildSet;
  /** A fresh temporary folder, removed when the experiment ends. */
  tempDir(label: string): string;
  /** One progress line on stderr. */
  log(message: string): void;
  /** Adds a row to the experiment's table (and logs it). */
  record(row: Check): void;
  /** Adds a note under the experiment's table. */
  note(text: string): void;
}

export interface Experiment {
  /** The --only name. */
  readonly name: string;
  readonly title: string;
  /** One paragraph: the set-up and what the experiment does, for these options. */
  describe(options: ChaosOptions): string;
  /** The most this experiment may take, in ms (it is stopped and reported as FAIL past it). */
  timeoutMs(options: ChaosOptions): number;
  run(ctx: ExperimentContext): Promise<void>;
}

export function check(action: string, measured: string, target: string, pass: boolean | 'info'): Check {
  return { action, measured, target, verdict: pass === 'info' ? 'INFO' : pass ? 'PASS' : 'FAIL' };
}
