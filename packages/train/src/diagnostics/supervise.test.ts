import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tileGrid, createRng } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import { loadDataset, type Dataset } from '@ganforge/data';
import { CHECKPOINT_FILES } from '@ganforge/runs';
import { readMetrics } from '@ganforge/runs';
import { diagnosticsConfig } from './config.ts';
import { EVENTS_FILE, readEvents, RESCUES_FILE } from '@ganforge/runs';
import { untileGrid } from './sample-grid.ts';
import { interruptAt } from '../testing/interrupt-at.ts';
import { metricNumbers } from '../testing/metric-numbers.ts';
import { STRONG_D, TINY_LOOP_MLP, TINY_MNIST_MLP } from '../testing/tiny-runs.ts';
import { trainSupervised } from './supervise.ts';

let mnist: Dataset;
const out = mkdtempSync(join(tmpdir(), 'ganforge-supervise-'));
beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 512 });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function tiny(name: string, over: TrainConfigInput = {}) {
  return parseTrainConfig({
    ...TINY_MNIST_MLP,
    name,
    steps: 150,
    logging: { sampleEvery: 10, checkpointEvery: 20, gridSize: 4 },
    ...over,
  });
}
const strongD = STRONG_D;
const fast = diagnosticsConfig({ discriminatorOverpowering: { window: 20 }, maxRescues: 2 });

test('untileGrid inverts tileGrid (to 8-bit precision)', () => {
  const rng = createRng(1);
  const n = 5;
  const images = Float32Array.from({ length: n * 3 * 4 * 3 }, () => rng.nextFloat() * 2 - 1);
  const grid = tileGrid({ images, n, height: 3, width: 4, channels: 3 });
  const back = untileGrid(grid.pixels, grid.width, { n, shape: { height: 3, width: 4, channels: 3 } });
  expect(back.length).toBe(images.length);
  for (let i = 0; i < images.length; i++)
    expect(Math.abs((back[i] as number) - (images[i] as number))).toBeLessThan(1 / 127);
});

describe('trainSupervised on real tiny runs', () => {
  test('--on-failure stop: the strong-D run stops at the overpowering event, with its checkpoint', async () => {
    const r = await trainSupervised({
      config: tiny('stop', strongD),
      dataset: mnist,
      out,
      diagnostics: fast,
      onFailure: 'stop',
    });
    expect(r.stoppedBy?.event.detector).toBe('discriminatorOverpowering');
    expect(r.result.status).toBe('interrupted');
    expect(r.result.step).toBe(r.stoppedBy?.event.step);
    expect(r.result.lastCheckpoint).toMatch(/step-0000\d\d$/);
    expect(readEvents(join(r.result.runDir, 'events.jsonl')).map((e) => e.detector)).toEqual([
      'discriminatorOverpowering',
    ]);
  });

  test('--on-failure rescue: rolls back to the checkpoint before the onset and turns on instance noise, then the next remedy', async () => {
    const seen: string[] = [];
    const r = await trainSupervised({
      config: tiny('rescue', { ...strongD, steps: 110 }),
      dataset: mnist,
      out,
      diagnostics: fast,
      onFailure: 'rescue',
      onDecision: (d) => seen.push(d.message),
    });
    expect(r.rescues.length).toBeGreaterThanOrEqual(1);
    const first = r.rescues[0];
    const firstEvent = r.events[0];
    expect(firstEvent?.detector).toBe('discriminatorOverpowering');
    expect(first?.changes).toEqual([{ path: 'techniques.instanceNoise.enabled', value: true }]);
    expect(first?.source).toBe('docs/techniques.md#instance-noise');
    // the newest checkpoint (every 20 steps) from before the onset of the failure
    expect(first?.rollbackToStep).toBe(Math.floor(((firstEvent?.onsetStep ?? 0) - 1) / 20) * 20);
    expect(firstEvent?.onsetStep).toBeLessThanOrEqual((firstEvent?.step ?? 0) - 20 + 1); // at or before the window's start
    expect(seen[0]).toMatch(
      /rolling back to the checkpoint at step \d+ and setting techniques\.instanceNoise\.enabled=true/,
    );
    const runDir = r.result.runDir;
    const config = JSON.parse(readFileSync(join(runDir, 'config.json'), 'utf8'));
    expect(config.techniques.instanceNoise.enabled).toBe(true);
    if (r.rescues.length > 1)
      expect(r.rescues[1]?.changes[0]?.path).toBe('techniques.labels.oneSidedSmoothing');
    // metrics.jsonl was cut back to the rollback step and continued: steps 1..N with no gaps or repeats
    const steps = readMetrics(join(runDir, 'metrics.jsonl')).map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i + 1));
    expect(existsSync(join(runDir, RESCUES_FILE))).toBe(true);
    // (that the report lists the rescues is @ganforge/report's real-runs.test.ts)
    // the far too strong D wins again after each remedy: after maxRescues (2) the run stops, or it completes
    if (r.stoppedBy) expect(r.stoppedBy.message).toMatch(/2 rescue\(s\) already tried/);
  });
});

describe('resuming a supervised run', () => {
  // The tiny run of loop/train.test.ts (MNIST 64, batch 16: 4 steps per epoch), with the detectors made
  // touchy enough to fire in 40 steps: the see-saw of D and G losses counts as oscillation (lag 1, window 8)
  // and fixed-z snapshots (every 3 steps) that come back count as revisits.
  let mnist64: Dataset;
  beforeAll(async () => {
    mnist64 = await loadDataset({ kind: 'mnist', limit: 64 });
  });
  const config = (name: string) => parseTrainConfig({ ...TINY_LOOP_MLP, name, steps: 40 });
  const touchy = diagnosticsConfig({
    maxRescues: 1,
    oscillation: {
      window: 8,
      minLag: 1,
      minAmplitude: 0,
      minCorrelation: 0.4,
      snapshots: 3,
      patience: 1,
      minMove: 0.1,
      revisitRatio: 0.9,
    },
  });
  const eventsOf = (runDir: string): string => readFileSync(join(runDir, EVENTS_FILE), 'utf8');
  /** metrics.jsonl without the wall-clock fields. */
  const metricsOf = (runDir: string): string =>
    metricNumbers(runDir)
      .map((m) => JSON.stringify(m))
      .join('\n');

  test.each([12, 13])(
    'interrupted at step %i and resumed, events.jsonl and metrics are those of an uninterrupted run',
    async (stopAt) => {
      const whole = await trainSupervised({
        config: config('whole'),
        dataset: mnist64,
        out,
        diagnostics: touchy,
      });
      // an event before the interruption, and events after it that depend on the detectors' history
      const steps = whole.events.map((e) => e.step);
      expect(steps.some((s) => s <= stopAt)).toBe(true);
      expect(steps.filter((s) => s > stopAt).length).toBeGreaterThanOrEqual(2);

      const part = await trainSupervised({
        config: config('part'),
        dataset: mnist64,
        out,
        diagnostics: touchy,
        ...interruptAt(stopAt),
      });
      expect(part.result).toMatchObject({ status: 'interrupted', step: stopAt });
      const resumed = await trainSupervised({
        resume: part.result.runDir,
        dataset: mnist64,
        diagnostics: touchy,
      });
      expect(resumed.result.status).toBe('completed');
      expect(eventsOf(part.result.runDir)).toBe(eventsOf(whole.result.runDir));
      expect(metricsOf(part.result.runDir)).toBe(metricsOf(whole.result.runDir));
      // every checkpoint holds the same detector state (windows, fixed-z snapshots, the grid not yet seen)
      const checkpoints = readdirSync(join(whole.result.runDir, 'checkpoints'));
      expect(checkpoints.length).toBeGreaterThan(10);
      for (const name of checkpoints) {
        const saved = (runDir: string) =>
          readFileSync(join(runDir, 'checkpoints', name, CHECKPOINT_FILES.diagnostics), 'utf8');
        expect(saved(part.result.runDir), name).toBe(saved(whole.result.runDir));
      }
    },
  );

  test("--on-failure rescue: a resumed run keeps the rescues already spent and the detectors' history", async () => {
    // Whole run: oscillation at step 8, rescue 1 (new run from step 0, margin balance), oscillation again: the
    // budget (maxRescues 1) is spent, so the run stops.
    const whole = await trainSupervised({
      config: config('rescue-whole'),
      dataset: mnist64,
      out,
      diagnostics: touchy,
      onFailure: 'rescue',
    });
    expect(whole.rescues).toHaveLength(1);
    expect(whole.stoppedBy?.message).toMatch(/1 rescue\(s\) already tried/);
    const stopStep = whole.result.step;

    // The same, interrupted in the rescued segment two steps before the failure, then resumed.
    let rescued = false;
    const part = await trainSupervised({
      config: config('rescue-part'),
      dataset: mnist64,
      out,
      diagnostics: touchy,
      onFailure: 'rescue',
      onDecision: (d) => {
        if (d.action === 'rescue') rescued = true;
      },
      ...interruptAt(stopStep - 2, () => rescued),
    });
    expect(part.result).toMatchObject({ status: 'interrupted', step: stopStep - 2 });
    const resumed = await trainSupervised({
      resume: part.result.runDir,
      dataset: mnist64,
      diagnostics: touchy,
      onFailure: 'rescue',
    });
    expect(resumed.rescues).toEqual([]);
    expect(resumed.stoppedBy?.message).toBe(whole.stoppedBy?.message);
    expect(resumed.result.step).toBe(stopStep);
    expect(eventsOf(part.result.runDir)).toBe(eventsOf(whole.result.runDir));
    expect(metricsOf(part.result.runDir)).toBe(metricsOf(whole.result.runDir));
  });
});
