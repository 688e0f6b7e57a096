import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { diagnosticsConfig, parseTrainConfig, trainSupervised, type TrainConfigInput } from '@ganforge/train';
import { loadDataset, type Dataset } from '@ganforge/data';
import { STRONG_D, TINY_MNIST_MLP, trainWithDetectors } from '@ganforge/train/testing';
import { renderLatentWalkFrames } from './latent-walk-frames.ts';
import { writeReport } from './write-report.ts';

/**
 * The report of real tiny MLP GAN runs (cpu backend, MNIST 512 images, batch 32), made by @ganforge/train
 * as its own tests make them: a far too strong D watched by the default detectors from the loop
 * (diagnostics/end-to-end.test.ts there), and a supervised run rescued by rollback (diagnostics/supervise.test.ts).
 */

let mnist: Dataset;
const out = mkdtempSync(join(tmpdir(), 'ganforge-report-runs-'));
beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 512 });
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The settings both runs share beyond the tiny run itself (they differ in steps and logging). */
const run = (name: string, steps: number, logging: TrainConfigInput['logging']) =>
  ({ ...TINY_MNIST_MLP, ...STRONG_D, name, steps, logging }) satisfies TrainConfigInput;

describe('the report of real training runs', () => {
  test('a far too strong D: the latent walk through its own generator and the discriminatorOverpowering event are in the report', async () => {
    const { runDir } = await trainWithDetectors(
      run('strong-d', 130, { sampleEvery: 65, checkpointEvery: 0, gridSize: 3 }),
      mnist,
      out,
    );
    // a latent walk through the run's own generator (its final checkpoint) goes into the report
    const frames = await renderLatentWalkFrames({ path: runDir, frames: 6, walkers: 4, backend: 'cpu' });
    expect(frames).toHaveLength(6);
    const grid = await sharp(frames[0] as Buffer).metadata();
    expect([grid.width, grid.height]).toEqual([2 * 28 + 3 * 2, 2 * 28 + 3 * 2]);
    const report = await writeReport({ runDir, latentWalkFrames: frames });
    const html = readFileSync(report.html, 'utf8');
    expect(html).toContain('id="latent-walk" src="data:image/gif;base64,');
    expect(html).toContain('data-detector="discriminatorOverpowering"');
    expect(html).toMatch(/data-series="D\(G\(z\)\)" data-points="130"/);
  });

  test('--on-failure rescue: the report lists the rescues', async () => {
    const r = await trainSupervised({
      config: parseTrainConfig(run('rescue', 110, { sampleEvery: 10, checkpointEvery: 20, gridSize: 4 })),
      dataset: mnist,
      out,
      diagnostics: diagnosticsConfig({ discriminatorOverpowering: { window: 20 }, maxRescues: 2 }),
      onFailure: 'rescue',
    });
    expect(r.rescues.length).toBeGreaterThanOrEqual(1);
    const report = await writeReport({ runDir: r.result.runDir });
    expect(readFileSync(report.html, 'utf8')).toContain('rolling back to the checkpoint at step');
  });
});
