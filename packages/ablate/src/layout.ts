import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  isRunDir,
  lastMetricsStep,
  listCheckpoints,
  RUN_EVAL_DIR,
  RUN_FILES,
  stepName,
  writeFileAtomic,
} from '@ganforge/runs';
import { GanforgeError } from '@ganforge/core';
import type { AblationPlan, PlannedRun } from './types.ts';

/**
 * The result folder of an ablation:
 *   plan.json                 the suite expanded: every run's exact config and evaluated steps
 *   configs/<id>.json         the config each run trains with (ganforge train --config)
 *   runs/<id>/<name>-<time>/  the run folder ganforge train writes (eval/ holds its evaluations)
 *   runs/<id>/train.log       what training printed
 *   runs/<id>/done.json       written once the run is trained and evaluated at every planned step
 *   runs/<id>/failed.json     written when training exited with an error (exit code and last lines)
 *   ablation.json / .md / .html   the report (ganforge ablate, or --collect)
 */
export const ABLATION_FILES = {
  plan: 'plan.json',
  configs: 'configs',
  runs: 'runs',
  trainLog: 'train.log',
  done: 'done.json',
  failed: 'failed.json',
  json: 'ablation.json',
  markdown: 'ablation.md',
  html: 'ablation.html',
} as const;

/** What done.json records. */
export interface RunDone {
  /** The budget the run was trained and evaluated to (a suite's budget can grow: the run then goes on). */
  readonly steps?: number;
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  readonly finishedAt: string;
}

/** Whether a run is trained and evaluated to the plan's budget (its done.json says so). */
export function isRunDone(out: string, plan: AblationPlan, run: PlannedRun): boolean {
  const parent = runParent(out, run);
  return doneToBudget(readJson<RunDone>(join(parent, ABLATION_FILES.done)), () => findRunDir(parent), plan);
}

/** isRunDone from what the caller has read already: the run's done.json and (if needed) its run folder. */
export function doneToBudget(
  done: RunDone | undefined,
  runDir: () => string | undefined,
  plan: AblationPlan,
): boolean {
  if (done === undefined) return false;
  // done.json of a run finished before budgets were recorded: its checkpoints say how far it went.
  const dir = done.steps === undefined ? runDir() : undefined;
  const steps = done.steps ?? (dir === undefined ? 0 : Math.max(0, ...listCheckpoints(dir)));
  return steps >= plan.budget.steps;
}

export const runParent = (out: string, run: PlannedRun): string => join(out, ABLATION_FILES.runs, run.id);
export const runConfigFile = (out: string, run: PlannedRun): string =>
  join(out, ABLATION_FILES.configs, `${run.id}.json`);
export const runEvalFile = (runDir: string, step: number): string =>
  join(runDir, RUN_EVAL_DIR, `${stepName(step)}.json`);

/** The run folders ganforge train made under runs/<id>/, oldest first (their names end in the start time). */
function runDirsUnder(parent: string): string[] {
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => join(parent, d.name))
    .filter(isRunDir)
    .sort();
}

/** The run folder under runs/<id>/ that holds a checkpoint (the one to resume or read), if any. */
export function findRunDir(parent: string): string | undefined {
  return runDirsUnder(parent)
    .filter((d) => existsSync(join(d, RUN_FILES.latest)))
    .pop();
}

/** How far a run's training has got: the last step in its newest run folder's metrics.jsonl. */
export function trainedStep(out: string, run: PlannedRun): number | undefined {
  const newest = runDirsUnder(runParent(out, run)).pop();
  return newest === undefined ? undefined : lastMetricsStep(join(newest, RUN_FILES.metrics));
}

/** Removes run folders under runs/<id>/ that never reached a checkpoint (a run killed while starting). */
export function removeUnstartedRunDirs(parent: string): string[] {
  if (!existsSync(parent)) return [];
  const keep = findRunDir(parent);
  const removed: string[] = [];
  for (const d of readdirSync(parent, { withFileTypes: true })) {
    const path = join(parent, d.name);
    if (!d.isDirectory() || path === keep) continue;
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

export function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The plan a result folder was made for; a clear error when the folder is not an ablation's. */
export function readPlan(out: string): AblationPlan {
  const plan = readJson<AblationPlan>(join(out, ABLATION_FILES.plan));
  if (plan === undefined) {
    throw new GanforgeError('not_an_ablation', `${out} holds no ${ABLATION_FILES.plan}`, {
      hint: 'pass the result folder of ganforge ablate (its --out), e.g. ablations/<suite>',
    });
  }
  return plan;
}
