import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { writeFileAtomic } from '@ganforge/runs';
import type { EvaluateGeneratorOptions } from '@ganforge/eval';
import { acquirePidLock } from './pid-lock.ts';
import { ABLATION_FILES, isRunDone, readJson, runConfigFile, runParent, writeJson } from './layout.ts';
import { runGanforge, type GanforgeLauncher } from './ganforge-child.ts';
import type { AblationPlan, PlannedRun } from './types.ts';

/**
 * Writes plan.json and every run's config into the result folder, or checks that the folder was made for
 * the same plan (so a resumed ablation never mixes runs of two different suites).
 */
export function preparePlan(out: string, plan: AblationPlan): void {
  const file = join(out, ABLATION_FILES.plan);
  const existing = readJson<AblationPlan>(file);
  if (existing !== undefined) {
    if (!samePlanButLonger(existing, plan)) {
      throw new GanforgeError(
        'ablation_mismatch',
        `${out} holds the results of a different plan (suite '${existing.suite.name}': other variants, seeds, configs, evaluation or a smaller budget)`,
        {
          hint: 'pass another --out, or delete that folder to start this suite over (a larger budget alone continues the runs)',
        },
      );
    }
  }
  mkdirSync(join(out, ABLATION_FILES.configs), { recursive: true });
  for (const run of plan.runs) {
    const f = runConfigFile(out, run);
    const text = `${JSON.stringify(run.config, null, 2)}\n`;
    if (!existsSync(f) || readFileSync(f, 'utf8') !== text) writeFileAtomic(f, text);
  }
  writeJson(file, plan);
}

/**
 * Whether `next` is `previous` itself, or the same runs with a larger budget: then the finished runs
 * continue from their last checkpoint to the new budget and are evaluated at the new steps.
 */
export function samePlanButLonger(previous: AblationPlan, next: AblationPlan): boolean {
  if (JSON.stringify(previous.evaluation) !== JSON.stringify(next.evaluation)) return false;
  if (next.budget.steps < previous.budget.steps || previous.runs.length !== next.runs.length) return false;
  const withoutBudget = (r: PlannedRun): string =>
    JSON.stringify({ ...r, config: { ...r.config, steps: 0 }, evalSteps: [] });
  return previous.runs.every((r, i) => withoutBudget(r) === withoutBudget(next.runs[i]!));
}

/** A lock on the result folder for the life of one `ganforge ablate`: two at once would train the same runs. */
export function lockResultFolder(out: string): () => void {
  mkdirSync(out, { recursive: true });
  return acquirePidLock(
    join(out, '.lock'),
    (holder) =>
      new GanforgeError('ablation_busy', `${out} is in use by ganforge ablate (process ${holder})`, {
        hint: 'wait for it to finish or stop it (Ctrl-C keeps what is done), then run again to resume',
      }),
  );
}

/**
 * Set by the scheduler on each run's child to its own process id: the child stops its run (checkpoint
 * first) when that parent is gone, e.g. killed with SIGKILL, instead of training on as an orphan.
 */
export const PARENT_ENV = 'GANFORGE_ABLATE_PARENT';

/** What the scheduler reports as runs start and end (for the progress view). */
export interface SchedulerEvents {
  onStart?(run: PlannedRun): void;
  onEnd?(run: PlannedRun, outcome: 'done' | 'failed' | 'interrupted', seconds: number): void;
}

export interface ScheduleOptions {
  readonly out: string;
  readonly suiteFile: string;
  readonly plan: AblationPlan;
  readonly jobs: number;
  readonly threads: number;
  readonly backend: NonNullable<EvaluateGeneratorOptions['backend']>;
  readonly launcher: GanforgeLauncher;
  readonly signal?: AbortSignal | undefined;
  readonly events?: SchedulerEvents | undefined;
}

export interface ScheduleResult {
  readonly done: readonly string[];
  readonly failed: readonly string[];
  readonly interrupted: boolean;
}

/** The runs of a plan not yet trained and evaluated to its budget. */
export function pendingRuns(out: string, plan: AblationPlan): PlannedRun[] {
  return plan.runs.filter((r) => !isRunDone(out, plan, r));
}

/**
 * Runs every pending run of the plan as `ganforge ablate <suite> --index i`, `jobs` at a time, each in its
 * own process (and process group). Aborting sends each running child one SIGTERM: training writes a
 * checkpoint and the child exits; what is finished is kept and the next call resumes the rest.
 */
export async function scheduleRuns(opts: ScheduleOptions): Promise<ScheduleResult> {
  const queue = pendingRuns(opts.out, opts.plan);
  const done: string[] = [];
  const failed: string[] = [];
  const worker = async (): Promise<void> => {
    for (;;) {
      if (opts.signal?.aborted) return;
      const run = queue.shift();
      if (run === undefined) return;
      opts.events?.onStart?.(run);
      const started = Date.now();
      const code = await runIndexChild(opts, run);
      const seconds = (Date.now() - started) / 1000;
      const outcome = opts.signal?.aborted ? 'interrupted' : code === 0 ? 'done' : 'failed';
      if (outcome === 'done') done.push(run.id);
      if (outcome === 'failed') failed.push(run.id);
      opts.events?.onEnd?.(run, outcome, seconds);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.jobs) }, worker));
  return { done, failed, interrupted: opts.signal?.aborted ?? false };
}

function runIndexChild(opts: ScheduleOptions, run: PlannedRun): Promise<number> {
  const parent = runParent(opts.out, run);
  mkdirSync(parent, { recursive: true });
  const args = ['ablate', opts.suiteFile, '--out', opts.out, '--index', String(run.index)];
  return runGanforge(
    opts.launcher,
    [...args, '--threads', String(opts.threads), '--backend', opts.backend],
    join(parent, 'run.log'),
    opts.signal,
    { [PARENT_ENV]: String(process.pid) },
  );
}

/**
 * In a run's child: a signal aborted once the scheduler that started it (PARENT_ENV) is gone, checked
 * every `everyMs`; never aborted when this process was not started by a scheduler (a Kubernetes pod).
 */
export function parentGoneSignal(everyMs = 1000): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const expected = process.env[PARENT_ENV];
  if (expected === undefined || expected !== String(process.ppid)) {
    return { signal: controller.signal, dispose: () => undefined };
  }
  const timer = setInterval(() => {
    if (String(process.ppid) !== expected) controller.abort();
  }, everyMs);
  timer.unref();
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}
