import { join } from 'node:path';
import { readMetrics, TIMING_METRICS, type StepMetrics } from '@ganforge/runs';

/** A run's metrics.jsonl without the wall-clock fields (TIMING_METRICS), for comparing runs. */
export function metricNumbers(runDir: string): Omit<StepMetrics, 'imagesPerSec'>[] {
  return readMetrics(join(runDir, 'metrics.jsonl')).map((m) => {
    const copy: Record<string, unknown> = { ...m };
    for (const key of TIMING_METRICS) delete copy[key];
    return copy as Omit<StepMetrics, 'imagesPerSec'>;
  });
}
