import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertRunDir,
  EVENTS_FILE,
  listSampleGrids,
  RESCUES_FILE,
  RUN_FILES,
  type FailureEvent,
  type SampleGridFile,
} from '@ganforge/runs';

export { listSampleGrids, type SampleGridFile };
import type { MetricsRow } from './chart-set.ts';
import { parseJsonl } from './jsonl.ts';

export interface RescueLine {
  readonly atStep: number;
  readonly detector: string;
  readonly rollbackToStep: number;
  readonly message: string;
}

export interface EvaluationFile {
  readonly name: string;
  readonly data: unknown;
}

/** Everything a report shows, read from a run directory (no tfjs needed). */
export interface RunData {
  readonly runDir: string;
  readonly name: string;
  readonly meta: Record<string, unknown> | undefined;
  readonly config: Record<string, unknown> | undefined;
  readonly metrics: MetricsRow[];
  readonly events: FailureEvent[];
  /** Lines of rescues.jsonl (--on-failure rescue): what was rolled back and switched on. */
  readonly rescues: RescueLine[];
  readonly samples: SampleGridFile[];
  readonly evaluations: EvaluationFile[];
  /** PNG frames of a latent walk found in <run>/latent-walk/ (sorted by name). */
  readonly latentWalkFrames: string[];
}

function readJson(file: string): Record<string, unknown> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function listEvaluations(runDir: string): EvaluationFile[] {
  const out: EvaluationFile[] = [];
  for (const name of ['eval.json', 'evaluation.json']) {
    const data = readJson(join(runDir, name));
    if (data) out.push({ name, data });
  }
  const dir = join(runDir, 'eval');
  if (existsSync(dir)) {
    for (const n of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const data = readJson(join(dir, n));
      if (data) out.push({ name: `eval/${n}`, data });
    }
  }
  return out;
}

/** Reads a run directory made by `ganforge train` (a clear error when it is not one). */
export function loadRunData(dir: string): RunData {
  const runDir = assertRunDir(dir);
  const meta = readJson(join(runDir, RUN_FILES.meta));
  const config = readJson(join(runDir, RUN_FILES.config));
  const walkDir = join(runDir, 'latent-walk');
  return {
    runDir,
    name: typeof meta?.name === 'string' ? meta.name : (runDir.split('/').pop() ?? runDir),
    meta,
    config,
    metrics: parseJsonl<MetricsRow>(readText(join(runDir, RUN_FILES.metrics))),
    events: parseJsonl<FailureEvent>(readText(join(runDir, EVENTS_FILE))),
    rescues: parseJsonl<RescueLine>(readText(join(runDir, RESCUES_FILE))),
    samples: listSampleGrids(runDir),
    evaluations: listEvaluations(runDir),
    latentWalkFrames: existsSync(walkDir)
      ? readdirSync(walkDir)
          .filter((n) => /\.(png|jpe?g|webp)$/i.test(n))
          .sort()
          .map((n) => join(walkDir, n))
      : [],
  };
}

/** At most `max` items, evenly spaced, always including the first and the last. */
export function evenlySpaced<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))] as T);
  return out;
}
