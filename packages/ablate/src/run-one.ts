import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { evaluateGenerator, type EvaluateGeneratorOptions } from '@ganforge/eval';
import { listCheckpoints, removeStaleTemporaries } from '@ganforge/runs';
import { acquirePidLock } from './pid-lock.ts';
import { readRunEvaluation } from './collect.ts';
import { runGanforge, type GanforgeLauncher } from './ganforge-child.ts';
import {
  ABLATION_FILES,
  findRunDir,
  isRunDone,
  removeUnstartedRunDirs,
  runConfigFile,
  runParent,
  writeJson,
  type RunDone,
} from './layout.ts';
import type { AblationPlan, PlannedRun } from './types.ts';

export interface RunOneOptions {
  readonly out: string;
  readonly plan: AblationPlan;
  readonly run: PlannedRun;
  readonly launcher: GanforgeLauncher;
  /** wasm threads of the training child (0: ganforge train's default). */
  readonly threads: number;
  /** tfjs backend for training and the generator in evaluation. */
  readonly backend: NonNullable<EvaluateGeneratorOptions['backend']>;
  /** Aborting sends SIGTERM to the training child (it checkpoints and exits) and stops before evaluating. */
  readonly signal?: AbortSignal | undefined;
  /** A line of progress ("training", "evaluating step 500"). */
  readonly onPhase?: ((text: string) => void) | undefined;
}

export type RunOneOutcome = 'done' | 'already-done' | 'interrupted' | 'failed';

function tail(file: string, lines: number): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
}

/**
 * Trains one planned run (or resumes it from its last checkpoint) in a `ganforge train` child, then
 * evaluates it at each planned step that has no evaluation yet, in this process. Idempotent: a finished
 * run is left as it is, a half-trained one resumes, a half-evaluated one evaluates only what is missing.
 */
export async function runOne(opts: RunOneOptions): Promise<RunOneOutcome> {
  const { out, run } = opts;
  const parent = runParent(out, run);
  if (isRunDone(out, opts.plan, run)) return 'already-done';
  mkdirSync(parent, { recursive: true });
  rmSync(join(parent, ABLATION_FILES.failed), { force: true });

  const unlock = lockRun(parent, run.id);
  try {
    return await trainAndEvaluate(opts, parent);
  } finally {
    unlock();
  }
}

/** A run trained by two processes at once would corrupt it: one holder at a time, by process id. */
function lockRun(parent: string, id: string): () => void {
  return acquirePidLock(
    join(parent, '.lock'),
    (holder) =>
      new GanforgeError('run_busy', `run ${id} is being trained by process ${holder}`, {
        hint: 'wait for that process to end (or stop it), then run ganforge ablate again',
      }),
  );
}

async function trainAndEvaluate(opts: RunOneOptions, parent: string): Promise<RunOneOutcome> {
  const { out, plan, run } = opts;
  const log = join(parent, ABLATION_FILES.trainLog);
  const finalStep = plan.budget.steps;
  const trainStarted = Date.now();
  removeUnstartedRunDirs(parent);
  let runDir = findRunDir(parent);
  if (runDir === undefined || !listCheckpoints(runDir).includes(finalStep)) {
    const common = ['--backend', opts.backend, '--progress', 'lines', '--on-failure', 'warn'];
    const threads = opts.threads > 0 ? ['--threads', String(opts.threads)] : [];
    const args =
      runDir === undefined
        ? ['train', '--config', runConfigFile(out, run), '--out', parent, ...common, ...threads]
        : (removeStaleTemporaries(runDir),
          // --set steps: the suite's budget may have grown since the run stopped.
          ['train', '--resume', runDir, '--set', `steps=${finalStep}`, ...common, ...threads]);
    opts.onPhase?.(runDir === undefined ? 'training' : 'resuming');
    const code = await runGanforge(opts.launcher, args, log, opts.signal);
    if (opts.signal?.aborted) return 'interrupted';
    if (code !== 0) {
      writeJson(join(parent, ABLATION_FILES.failed), {
        exitCode: code,
        at: new Date().toISOString(),
        lastLines: tail(log, 20),
      });
      return 'failed';
    }
    runDir = findRunDir(parent);
    if (runDir === undefined || !listCheckpoints(runDir).includes(finalStep)) {
      throw new GanforgeError(
        'ablate_run',
        `run ${run.id}: training exited 0 without a checkpoint at step ${finalStep}`,
        {
          hint: `see ${log}`,
        },
      );
    }
  }
  const trainSeconds = (Date.now() - trainStarted) / 1000;

  const evalStarted = Date.now();
  for (const step of run.evalSteps) {
    if (opts.signal?.aborted) return 'interrupted';
    if (readRunEvaluation(runDir, step, plan) !== undefined) continue;
    opts.onPhase?.(`evaluating step ${step}`);
    // Recorded in <run>/eval/step-XXXXXX.json by evaluateGenerator.
    await evaluateGenerator({
      path: runDir,
      evaluator: 'auto',
      n: plan.evaluation.samples,
      seed: plan.evaluation.seed,
      step,
      backend: opts.backend,
    });
  }
  const done: RunDone = {
    steps: finalStep,
    trainSeconds,
    evalSeconds: (Date.now() - evalStarted) / 1000,
    finishedAt: new Date().toISOString(),
  };
  writeJson(join(parent, ABLATION_FILES.done), done);
  return 'done';
}
