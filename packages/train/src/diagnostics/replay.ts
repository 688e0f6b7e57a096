import { join } from 'node:path';
import type { DatasetSpec } from '@ganforge/data';
import { loadDataset, type Dataset } from '@ganforge/data';
import { readRunTrainConfig } from '../config/resolve.ts';
import { sampleGridLayout } from '../loop/sample-grid-inputs.ts';
import { readMetrics } from '@ganforge/runs';
import { assertRunDir, listSampleGrids, RUN_FILES } from '@ganforge/runs';
import { diagnosticsConfig, type DiagnosticsConfig } from './config.ts';
import { REAL_DIVERSITY_IMAGES, realDiversity as realDiversityOf } from './real-diversity.ts';
import { createDiagnostics, type DiagnosticsState } from './monitor.ts';
import { readSampleGrid } from './sample-grid.ts';
import type { FailureEvent } from './types.ts';

export interface ReplayOptions {
  /** Detector settings; default: the run's config.json `diagnostics` section. */
  readonly diagnostics?: DiagnosticsConfig | undefined;
  /** The real data the run's diversity is compared with; default: the first 64 images of its dataset. */
  readonly dataset?: Dataset | undefined;
}

export interface ReplayResult {
  readonly runDir: string;
  readonly steps: number;
  readonly events: FailureEvent[];
  readonly diagnostics: DiagnosticsState;
}

/**
 * Runs the failure detectors again over a run's logs (metrics.jsonl and the fixed-z sample grids),
 * exactly as trainSupervised fed them during training — a grid written after step N reaches the
 * detectors with step N + 1 — but with today's detectors and thresholds. So a finished run can be
 * checked with other thresholds, or with detectors it was not trained with.
 */
export async function replayDiagnostics(dir: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const runDir = assertRunDir(dir);
  const config = readRunTrainConfig(runDir);
  const dconf = options.diagnostics ?? config?.diagnostics ?? diagnosticsConfig();
  const spec: DatasetSpec | undefined = config
    ? { ...config.dataset, limit: REAL_DIVERSITY_IMAGES }
    : undefined;
  const real = options.dataset ?? (spec ? await loadDataset(spec) : undefined);
  const realDiversity = real ? realDiversityOf(real) : undefined;
  const diagnostics = createDiagnostics(dconf, { realDiversity });

  const grids = new Map(listSampleGrids(runDir).map((g) => [g.step, g.file]));
  const layout =
    config && real ? { ...sampleGridLayout(config, real.numClasses), shape: real.shape } : undefined;

  const metrics = readMetrics(join(runDir, RUN_FILES.metrics));
  const events: FailureEvent[] = [];
  for (const m of metrics) {
    const grid = grids.get(m.step - 1);
    const samples = grid && layout ? await readSampleGrid(grid, layout).catch(() => undefined) : undefined;
    events.push(...diagnostics.observe(m, samples ? { samples } : undefined));
  }
  return { runDir, steps: metrics.length, events, diagnostics: diagnostics.state };
}
