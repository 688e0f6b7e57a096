import { cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { listSampleGrids, readEvents, EVENTS_FILE, RUN_FILES, type RunMeta } from '@ganforge/runs';
import { summarizeVariant } from './aggregate.ts';
import {
  ABLATION_FILES,
  findRunDir,
  doneToBudget,
  readJson,
  readPlan,
  runEvalFile,
  runParent,
  type RunDone,
} from './layout.ts';
import {
  ABLATION_METRICS,
  type AblationMetric,
  type AblationPlan,
  type AblationResult,
  type PlannedRun,
  type RunEvaluation,
  type RunResult,
} from './types.ts';

interface EvaluationFile {
  readonly metrics?: Partial<Record<AblationMetric, number>>;
  readonly protocol?: { readonly samples?: number; readonly seed?: number };
}

/** An evaluation file's numbers, when it was made with the plan's protocol (samples and seed). */
export function readRunEvaluation(
  runDir: string,
  step: number,
  plan: AblationPlan,
): RunEvaluation | undefined {
  const file = readJson<EvaluationFile>(runEvalFile(runDir, step));
  if (file?.metrics === undefined) return undefined;
  const p = file.protocol;
  if (p?.samples !== plan.evaluation.samples || p.seed !== plan.evaluation.seed) return undefined;
  const metrics: Partial<Record<AblationMetric, number>> = {};
  for (const m of ABLATION_METRICS) {
    const v = file.metrics[m];
    if (typeof v !== 'number') return undefined;
    metrics[m] = v;
  }
  return { step, metrics: metrics as Record<AblationMetric, number> };
}

/** What one planned run has yielded so far, read from its folder. */
export function collectRun(out: string, plan: AblationPlan, run: PlannedRun): RunResult {
  const parent = runParent(out, run);
  const runDir = findRunDir(parent);
  const base = { id: run.id, variant: run.variant, seed: run.seed };
  if (runDir === undefined) return { ...base, status: 'incomplete', evaluations: [], events: [] };
  const evaluations = run.evalSteps.flatMap((s) => readRunEvaluation(runDir, s, plan) ?? []);
  const done = readJson<RunDone>(join(parent, ABLATION_FILES.done));
  const grids = listSampleGrids(runDir);
  const grid = grids[grids.length - 1];
  return {
    ...base,
    status:
      doneToBudget(done, () => runDir, plan) && evaluations.length === run.evalSteps.length
        ? 'completed'
        : 'incomplete',
    runDir: relative(out, runDir),
    evaluations,
    events: readEvents(join(runDir, EVENTS_FILE)).map((e) => ({
      step: e.step,
      detector: e.detector,
      severity: e.severity,
      message: e.message,
    })),
    ...(grid !== undefined ? { finalGrid: relative(out, grid.file) } : {}),
    ...(done !== undefined ? { trainSeconds: done.trainSeconds } : {}),
  };
}

function versionsOf(out: string, runs: readonly RunResult[]): Record<string, string> {
  for (const r of runs) {
    if (r.runDir === undefined) continue;
    const meta = readJson<RunMeta>(join(out, r.runDir, RUN_FILES.meta));
    if (meta?.versions !== undefined) return { ...meta.versions };
  }
  return { node: process.versions.node };
}

/** The whole result of a result folder: every run as far as it got, and each variant over its seeds. */
export function collectAblation(out: string, command: string): AblationResult {
  const plan = readPlan(out);
  const runs = plan.runs.map((r) => collectRun(out, plan, r));
  const evalSteps = plan.runs[0]?.evalSteps ?? [];
  const cpuList = cpus();
  return {
    plan,
    runs,
    variants: plan.variants.map((v) => summarizeVariant(v.name, runs, evalSteps)),
    versions: versionsOf(out, runs),
    machine: {
      platform: process.platform,
      arch: process.arch,
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    },
    command,
    createdAt: new Date().toISOString(),
  };
}
