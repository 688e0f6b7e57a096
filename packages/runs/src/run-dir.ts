import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { removeStaleSiblings } from './atomic.ts';

/**
 * The files of a run directory (<out>/<name>-<time>/):
 *   config.json     the resolved config in force
 *   meta.json       backend, versions, techniques on, dataset, status (RunMeta)
 *   metrics.jsonl   one StepMetrics per line
 *   samples/        step-XXXXXX.png grids of G(fixed z)
 *   checkpoints/    step-XXXXXX/ folders (see checkpoint.ts)
 *   latest          the name of the newest checkpoint folder
 */
export const RUN_FILES = {
  config: 'config.json',
  meta: 'meta.json',
  metrics: 'metrics.jsonl',
  samples: 'samples',
  checkpoints: 'checkpoints',
  latest: 'latest',
} as const;

/** <run>/eval/step-XXXXXX.json: `ganforge eval` results of a run's checkpoints. */
export const RUN_EVAL_DIR = 'eval';

/** step 12 -> "step-000012" (names sort in step order up to a million steps). */
export function stepName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** "step-000012" -> 12, or undefined for any other name. */
export function parseStepName(name: string): number | undefined {
  const m = /^step-(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function timestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** Makes a new, empty run directory <parent>/<name>-<time> (with -2, -3... when taken) and returns its path. */
export function createRunDir(parent: string, name: string, now: Date = new Date()): string {
  mkdirSync(parent, { recursive: true });
  const base = join(parent, `${name}-${timestamp(now)}`);
  for (let i = 1; ; i++) {
    const dir = i === 1 ? base : `${base}-${i}`;
    try {
      mkdirSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw e;
    }
    mkdirSync(join(dir, RUN_FILES.samples));
    mkdirSync(join(dir, RUN_FILES.checkpoints));
    return dir;
  }
}

/**
 * Clears what interrupted atomic writes of dead processes left in a run directory and its checkpoints/
 * and samples/ folders (e.g. a hidden .step-000120.tmp-<pid>-<n>/ of a checkpoint cut short); returns
 * their paths.
 */
export function removeStaleTemporaries(runDir: string): string[] {
  return [runDir, join(runDir, RUN_FILES.checkpoints), join(runDir, RUN_FILES.samples)].flatMap((dir) =>
    removeStaleSiblings(dir).map((name) => join(dir, name)),
  );
}

/** Whether `dir` looks like a run directory written by `ganforge train`. */
export function isRunDir(dir: string): boolean {
  return existsSync(join(dir, RUN_FILES.config)) || existsSync(join(dir, RUN_FILES.meta));
}

/** The absolute path of a run directory, or a clear error when `dir` is not one. */
export function assertRunDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) {
    throw new GanforgeError('not_a_run', `run directory ${dir} does not exist`, {
      hint: 'pass a folder made by ganforge train (runs/<name>-<time>)',
    });
  }
  if (!isRunDir(abs)) {
    throw new GanforgeError('not_a_run', `${dir} is not a ganforge run directory (it has no ${RUN_FILES.meta} or ${RUN_FILES.config})`, {
      hint: 'pass a folder made by ganforge train (runs/<name>-<time>)',
    });
  }
  return abs;
}

export interface SampleGridFile {
  readonly step: number;
  readonly file: string;
}

/** A run's sample grids: samples/step-000100.png -> step 100, sorted by step. */
export function listSampleGrids(runDir: string): SampleGridFile[] {
  const dir = join(runDir, RUN_FILES.samples);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((n) => {
      const m = /^step-(\d+)\.png$/.exec(n);
      return m ? [{ step: Number(m[1]), file: join(dir, n) }] : [];
    })
    .sort((a, b) => a.step - b.step);
}
