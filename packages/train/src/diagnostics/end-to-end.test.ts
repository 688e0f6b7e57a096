import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import { loadDataset, type Dataset } from '@ganforge/data';
import { EVENTS_FILE, readEvents } from '@ganforge/runs';
import { trainSupervised } from './supervise.ts';
import { STRONG_D, TINY_MNIST_MLP, trainWithDetectors } from '../testing/tiny-runs.ts';
import type { FailureEvent } from './types.ts';

/**
 * Real tiny MLP GAN runs (cpu backend, MNIST 512 images, batch 32) with the default detectors fed
 * from the training loop's own per-step metrics, as the loop hook does (DIAGNOSTICS_HOOK.md).
 */

let mnist: Dataset;
const out = mkdtempSync(join(tmpdir(), 'ganforge-diag-e2e-'));
beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 512 });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

const base = {
  ...TINY_MNIST_MLP,
  steps: 130,
  logging: { sampleEvery: 65, checkpointEvery: 0, gridSize: 3 },
} satisfies TrainConfigInput;

const runWithDetectors = (name: string, over: TrainConfigInput) =>
  trainWithDetectors({ ...base, name, ...over }, mnist, out);

describe('detectors on real training runs', () => {
  test('a far too strong D (lr 0.01 vs G 1e-6) trips discriminatorOverpowering within 120 steps', async () => {
    const { runDir, events } = await runWithDetectors('strong-d', STRONG_D);
    expect(events.map((e) => e.detector)).toEqual(['discriminatorOverpowering']);
    const e = events[0] as FailureEvent;
    expect(e.step).toBeLessThanOrEqual(120);
    expect(e.evidence.dFake as number).toBeLessThan(0.05);
    expect(e.evidence.dReal as number).toBeGreaterThan(0.95);
    expect(readEvents(join(runDir, EVENTS_FILE))).toEqual(events);
    // (its latent walk and report are @ganforge/report's real-runs.test.ts)
  });

  test('a diverging learning rate (Adam lr 0.5, least squares) trips explodingGradients within 10 steps', async () => {
    const { events } = await runWithDetectors('diverging', {
      steps: 20,
      loss: 'least_squares',
      optimizers: { d: { lr: 0.5 }, g: { lr: 0.5 } },
    });
    expect(events[0]?.detector).toBe('explodingGradients');
    expect(events[0]?.step).toBeLessThanOrEqual(10);
    expect(events[0]?.remedies[0]?.technique).toBe('optimizers');
  });

  test('a healthy tiny run (same model, lr 2e-4 both; sample grids every 10 steps decoded for diversity) trips none', async () => {
    const r = await trainSupervised({
      config: parseTrainConfig({
        ...base,
        name: 'healthy',
        logging: { sampleEvery: 10, checkpointEvery: 0, gridSize: 4 },
      }),
      dataset: mnist,
      out,
      onFailure: 'stop',
    });
    expect(r.events).toEqual([]);
    expect(r.result.status).toBe('completed');
    // the collapse and oscillation detectors really saw the decoded grids
    expect(r.diagnostics.modeCollapse.realDiversity).toBeGreaterThan(5);
    expect(r.diagnostics.modeCollapse.peakRatio).toBeGreaterThan(0.01);
    expect(r.diagnostics.oscillation.snapshots.length).toBe(6);
  });
});
