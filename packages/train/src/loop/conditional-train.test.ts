import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { rejectionOf } from '@ganforge/core/testing';
import { loadDataset, type Dataset } from '@ganforge/data';
import { generateImages, loadGenerator, readMetrics, readRunMeta } from '@ganforge/runs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import { replayDiagnostics } from '../diagnostics/replay.ts';
import { trainSupervised } from '../diagnostics/supervise.ts';
import { readSampleGrid } from '../diagnostics/sample-grid.ts';
import { sampleGridInputs } from './sample-grid-inputs.ts';
import { interruptAt } from '../testing/interrupt-at.ts';
import { metricNumbers } from '../testing/metric-numbers.ts';
import { train, type RunStart } from './train.ts';

/**
 * Whole class-conditional runs (docs/techniques.md#class-conditioning) of tiny GANs on 256 MNIST digits
 * with their labels, on cpu: per-class sample grids, the classes in meta.json, bit-for-bit resume, and
 * the clear error for a conditioning block on unlabelled data.
 */

let mnist: Dataset;
let mnist64: Dataset;
let out: string;

beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 256 });
  mnist64 = await loadDataset({ kind: 'mnist', limit: 64 });
  out = mkdtempSync(join(tmpdir(), 'ganforge-cond-train-'));
});

function tinyConfig(overrides: TrainConfigInput = {}) {
  return parseTrainConfig({
    name: 'tiny-cond',
    seed: 7,
    backend: 'cpu',
    dataset: { kind: 'mnist', limit: 256 },
    batchSize: 32,
    steps: 4,
    latent: { dim: 8 },
    generator: { kind: 'dcgan', baseFilters: 2 },
    discriminator: { kind: 'dcgan', baseFilters: 2 },
    conditioning: {},
    logging: { sampleEvery: 2, checkpointEvery: 2, gridSize: 3 },
    ...overrides,
  });
}

describe('class-conditional train', () => {
  test('a projection-D run trains with finite losses, records its classes, and writes per-class grids', async () => {
    let start: RunStart | undefined;
    const config = tinyConfig();
    const r = await train({ config, out, dataset: mnist, onStart: (info) => (start = info) });
    expect(r).toMatchObject({ status: 'completed', step: 4 });
    const metrics = readMetrics(join(r.runDir, 'metrics.jsonl'));
    expect(metrics.every((m) => [m.dLossReal, m.dLossFake, m.gLoss].every(Number.isFinite))).toBe(true);
    expect(metrics.some((m) => 'dClassAccuracy' in m)).toBe(false); // projection D: no classifier
    expect(JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8')).conditioning).toEqual({
      generator: 'multiply',
      discriminator: 'projection',
      embeddingDim: 10,
      auxiliaryWeight: 1,
    });
    const meta = readRunMeta(join(r.runDir, 'meta.json'));
    expect(meta.dataset.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // The conditioning is part of the saved networks: a resume cannot change it.
    const e = await rejectionOf(train({ resume: r.runDir, resumeSet: ['conditioning.generator=concat'] }));
    expect([e.code, e.message]).toEqual([
      'usage',
      '--set conditioning.generator cannot change a resumed run (its networks and optimizers are saved)',
    ]);

    // One row per class (10), gridSize (3) columns of 28x28 tiles with 2 px borders.
    expect(start?.sampleGrid).toEqual({ n: 30, columns: 3 });
    const file = join(r.runDir, 'samples', 'step-000004.png');
    const png = await sharp(file).metadata();
    expect([png.width, png.height]).toEqual([3 * 28 + 4 * 2, 10 * 28 + 11 * 2]);
    // The fixed inputs: the same z down each column, row r of class r.
    const fixed = sampleGridInputs(config, 10);
    const zAt = (i: number) => Array.from(fixed.z.subarray(i * 8, (i + 1) * 8));
    expect(zAt(3 * 4 + 1)).toEqual(zAt(1)); // row 4, column 1 = row 0, column 1
    expect(zAt(2)).not.toEqual(zAt(1));
    expect(Array.from(fixed.labels ?? []).filter((_, i) => i % 3 === 0)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    // What the detectors read back from the grid (its layout from RunStart) is G(z, y) of those inputs.
    const g = await loadGenerator(r.runDir);
    expect(g.model.inputs.map((i) => i.shape)).toEqual([
      [null, 8],
      [null, 1],
    ]);
    const want = await generateImages(g.model, fixed.z, 8, fixed.labels);
    const got = await readSampleGrid(file, { ...(start?.sampleGrid ?? { n: 0 }), shape: mnist.shape });
    expect(got.n).toBe(30);
    const maxDiff = want.images.reduce((m, v, i) => Math.max(m, Math.abs(v - (got.data[i] as number))), 0);
    expect(maxDiff).toBeLessThanOrEqual(1 / 127.5 + 1e-6); // 8-bit rounding
    // one column, two classes: the same z, other images
    const tile = (i: number) => Array.from(want.images.subarray(i * 784, (i + 1) * 784));
    expect(tile(3)).not.toEqual(tile(0));
    g.model.dispose();
  });

  test.each([
    [
      'DCGAN, multiply G, projection D; noise, flips, adaptive L2, moment matching on D features',
      {
        techniques: {
          instanceNoise: { enabled: true },
          labels: { flipProbability: 0.1 },
          adaptiveL2: { enabled: true, upper: 0.5, lower: 0.4, delta: 0.001 },
          momentMatching: { enabled: true, features: 'discriminator' },
        },
      },
    ],
    [
      'MLP, concat G, auxiliary D with spectral norm and dropout; mixed batches, frozen inference',
      {
        generator: { kind: 'mlp', hidden: [16], batchNorm: true },
        discriminator: { kind: 'mlp', hidden: [16], dropout: 0.3, spectralNorm: true },
        conditioning: { generator: 'concat', discriminator: 'auxiliary', auxiliaryWeight: 0.5 },
        batchMode: 'mixed',
        frozenInference: true,
      },
    ],
  ] as const)(
    'resume after an interruption gives the metrics of an uninterrupted run: %s',
    async (_name, more) => {
      // 64 / 16 = 4 batches per epoch: 6 steps cross an epoch boundary; stopped at step 3.
      const config = tinyConfig({
        ...(more as TrainConfigInput),
        dataset: { kind: 'mnist', limit: 64 },
        batchSize: 16,
        steps: 6,
        logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 2 },
      });
      const whole = await train({ config, out, dataset: mnist64 });
      const part = await train({ config, out, dataset: mnist64, ...interruptAt(3) });
      expect(part).toMatchObject({ status: 'interrupted', step: 3 });
      const resumed = await train({ resume: part.runDir, dataset: mnist64 });
      expect(resumed).toMatchObject({ status: 'completed', step: 6, runDir: part.runDir });
      expect(metricNumbers(part.runDir)).toEqual(metricNumbers(whole.runDir));
      const auxiliary = config.conditioning?.discriminator === 'auxiliary';
      expect(metricNumbers(whole.runDir).every((m) => (m.dClassAccuracy !== undefined) === auxiliary)).toBe(
        true,
      );
    },
  );

  test('trainSupervised feeds the detectors the per-class grid, and a replay reads it the same way', async () => {
    const { result, diagnostics } = await trainSupervised({
      config: tinyConfig({ logging: { sampleEvery: 1, checkpointEvery: 0, gridSize: 2 } }),
      out,
      dataset: mnist,
    });
    expect(result.status).toBe('completed');
    expect(diagnostics.modeCollapse.peakRatio).toBeGreaterThan(0);
    // Replayed from the run's logs, the grids are cut up the same way: the detectors end in the same state.
    const replayed = await replayDiagnostics(result.runDir, { dataset: mnist });
    expect(replayed.diagnostics).toEqual(diagnostics);
  });

  test('a conditioning block on a dataset without labels is a clear config error, before any run folder', async () => {
    const folder = join(out, 'unlabelled');
    mkdirSync(folder);
    for (let i = 0; i < 4; i++) {
      await sharp({ create: { width: 28, height: 28, channels: 3, background: { r: 60 * i, g: 0, b: 0 } } })
        .png()
        .toFile(join(folder, `img-${i}.png`));
    }
    const before = readdirSync(out).length;
    const config = tinyConfig({
      dataset: { kind: 'folder', path: folder, channels: 1 },
      batchSize: 2,
      generator: { kind: 'mlp', hidden: [4] },
      discriminator: { kind: 'mlp', hidden: [4] },
    });
    const e = await rejectionOf(train({ config, out }));
    expect(e.code).toBe('bad_config');
    expect(e.message).toBe(
      `conditioning: dataset folder:${folder} has no labels, so there are no classes to condition G and D on`,
    );
    expect(e.hint).toContain('one subfolder of images per class');
    expect(readdirSync(out).length).toBe(before);
  });

  test('an unconditional run on labelled data records no classes and no class metrics', async () => {
    const r = await train({
      config: tinyConfig({
        conditioning: undefined,
        steps: 1,
        logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 3 },
      }),
      out,
      dataset: mnist,
    });
    const meta = readRunMeta(join(r.runDir, 'meta.json'));
    expect('classes' in meta.dataset).toBe(false);
    expect('conditioning' in JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8'))).toBe(false);
    expect(Object.keys(readMetrics(join(r.runDir, 'metrics.jsonl'))[0] ?? {})).not.toContain(
      'dClassAccuracy',
    );
    // an unconditional grid: gridSize x gridSize
    const png = await sharp(join(r.runDir, 'samples', 'step-000001.png')).metadata();
    expect([png.width, png.height]).toEqual([3 * 28 + 4 * 2, 3 * 28 + 4 * 2]);
  });
});
