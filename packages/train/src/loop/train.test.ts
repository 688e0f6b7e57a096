// Over 300 lines on purpose: whole training runs, sharing one loaded dataset and one output folder.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { rejectionOf } from '@ganforge/core/testing';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import type { TrainConfigInput } from '../config/schema.ts';
import { loadDataset, type Dataset } from '@ganforge/data';
import { initialDiagnosticsState } from '../diagnostics/monitor.ts';
import type { SupervisorState } from '../diagnostics/supervisor-state.ts';
import { loadGenerator } from '@ganforge/runs';
import { readMetrics } from '@ganforge/runs';
import { readRunMeta } from '@ganforge/runs';
import { interruptAt } from '../testing/interrupt-at.ts';
import { metricNumbers } from '../testing/metric-numbers.ts';
import { TINY_LOOP_MLP } from '../testing/tiny-runs.ts';
import { train, type RunStart } from './train.ts';

/** Whole runs of a tiny MLP GAN (hidden 16, MNIST limit 64, batch 16 = 4 steps per epoch) on cpu. */

let mnist: Dataset;
let out: string;

beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 64 });
  out = mkdtempSync(join(tmpdir(), 'ganforge-train-'));
});

function tinyConfig(overrides: TrainConfigInput = {}) {
  return parseTrainConfig({ ...TINY_LOOP_MLP, ...overrides });
}

describe('train', () => {
  test('writes the run directory: config, meta, metrics, sample grids, checkpoints, latest', async () => {
    const config = tinyConfig({ techniques: { marginBalance: { enabled: true } } });
    const counts: number[] = [];
    const r = await train({ config, out, dataset: mnist, onStep: () => counts.push(tf.memory().numTensors) });
    expect(r.status).toBe('completed');
    expect(r.step).toBe(6);
    expect(readdirSync(r.runDir).sort()).toEqual([
      'checkpoints',
      'config.json',
      'latest',
      'meta.json',
      'metrics.jsonl',
      'samples',
    ]);
    expect(JSON.parse(readFileSync(join(r.runDir, 'config.json'), 'utf8'))).toEqual(config);
    const meta = readRunMeta(join(r.runDir, 'meta.json'));
    expect(meta).toMatchObject({ seed: 5, status: 'completed', finishedStep: 6, backend: { name: 'cpu' } });
    expect(meta.techniques).toMatchObject({
      marginBalance: true,
      dropoutD: true,
      adaptiveL2: false,
      momentMatching: false,
    });
    expect(meta.versions['tfjs-core']).toBe(tf.version_core);
    const metrics = readMetrics(join(r.runDir, 'metrics.jsonl'));
    expect(metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(metrics.map((m) => m.epoch)).toEqual([0, 0, 0, 0, 1, 1]);
    expect(readdirSync(join(r.runDir, 'samples'))).toEqual([
      'step-000000.png',
      'step-000003.png',
      'step-000006.png',
    ]);
    // 3x3 grid of 28x28 tiles with 2 px borders: 3*28 + 4*2 = 92
    const png = await sharp(join(r.runDir, 'samples', 'step-000006.png')).metadata();
    expect([png.format, png.width, png.height]).toEqual(['png', 92, 92]);
    expect(readdirSync(join(r.runDir, 'checkpoints'))).toEqual(['step-000003', 'step-000006']);
    expect(readdirSync(join(r.runDir, 'checkpoints', 'step-000006')).sort()).toEqual([
      'discriminator',
      'generator',
      'optimizer-d.bin',
      'optimizer-d.json',
      'optimizer-g.bin',
      'optimizer-g.json',
      'state.json',
    ]);
    expect(readFileSync(join(r.runDir, 'latest'), 'utf8').trim()).toBe('step-000006');
    // no tensors leak across steps (after the first step created the optimizer slots)
    expect(new Set(counts.slice(1)).size).toBe(1);
  });

  test('the same seed gives the same metrics; another seed does not', async () => {
    const a = await train({ config: tinyConfig({ steps: 3 }), out, dataset: mnist });
    const b = await train({ config: tinyConfig({ steps: 3 }), out, dataset: mnist });
    const c = await train({ config: tinyConfig({ steps: 3, seed: 6 }), out, dataset: mnist });
    expect(metricNumbers(b.runDir)).toEqual(metricNumbers(a.runDir));
    expect(metricNumbers(c.runDir)[0]?.dLossReal).not.toBe(metricNumbers(a.runDir)[0]?.dLossReal);
  });

  test.each([5, 4])(
    'resume after an interruption at step %i gives the metrics of an uninterrupted run',
    async (stopAt) => {
      // Every random stream in play: data order across an epoch boundary, z, dropout, noise, flips, Adam state.
      const config = tinyConfig({
        steps: 9,
        logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 2 },
        techniques: {
          instanceNoise: { enabled: true },
          labels: { flipProbability: 0.1 },
          adaptiveL2: { enabled: true, upper: 0.5, lower: 0.4, delta: 0.001 },
        },
      });
      const whole = await train({ config, out, dataset: mnist });
      const part = await train({ config, out, dataset: mnist, ...interruptAt(stopAt) });
      expect(part.status).toBe('interrupted');
      expect(part.step).toBe(stopAt);
      expect(part.lastCheckpoint?.endsWith(`step-00000${stopAt}`)).toBe(true);
      const resumed = await train({ resume: part.runDir, dataset: mnist });
      expect(resumed.status).toBe('completed');
      expect(resumed.runDir).toBe(part.runDir);
      expect(metricNumbers(part.runDir)).toEqual(metricNumbers(whole.runDir));
      expect(readRunMeta(join(part.runDir, 'meta.json')).resumes).toHaveLength(1);
      // a resume may go further than planned: meta.json follows
      const further = await train({ resume: part.runDir, resumeSet: ['steps=10'], dataset: mnist });
      expect(further.step).toBe(10);
      expect(readRunMeta(join(part.runDir, 'meta.json'))).toMatchObject({ totalSteps: 10, finishedStep: 10 });
    },
  );

  test('a NaN loss stops the run at that step and keeps the last good checkpoint', async () => {
    const config = tinyConfig({ steps: 8, logging: { sampleEvery: 0, checkpointEvery: 2, gridSize: 2 } });
    const first = await train({ config, out, dataset: mnist, signal: AbortSignal.abort() });
    expect(first.step).toBe(0);
    // Resume from step 0 on data that turns into NaN from the first batch: the loss is NaN at step 1.
    const poisoned: Dataset = { ...mnist, images: mnist.images.map(() => Number.NaN) };
    const e = await rejectionOf(train({ resume: first.runDir, dataset: poisoned }));
    expect(e.code).toBe('non_finite_loss');
    expect(e.message).toContain('at step 1');
    expect(e.hint).toContain('step-000000');
    expect(readFileSync(join(first.runDir, 'latest'), 'utf8').trim()).toBe('step-000000');
    expect(readdirSync(join(first.runDir, 'checkpoints'))).toEqual(['step-000000']);
    expect(readRunMeta(join(first.runDir, 'meta.json')).status).toBe('failed');
    expect(readMetrics(join(first.runDir, 'metrics.jsonl')).at(-1)?.step).toBe(1);
  });

  test('bad inputs are clear errors before any training', async () => {
    const notRun = mkdtempSync(join(tmpdir(), 'ganforge-notrun-'));
    mkdirSync(join(notRun, 'stuff'));
    const e1 = await rejectionOf(train({ resume: notRun }));
    expect(e1.code).toBe('not_a_run');
    expect(e1.message).toContain(notRun);
    const e2 = await rejectionOf(train({ resume: join(notRun, 'missing') }));
    expect(e2.code).toBe('not_found');
    const before = readdirSync(out).length;
    const odd: Dataset = { ...mnist, shape: { height: 8, width: 98, channels: 1 } };
    const e3 = await rejectionOf(
      train({
        config: tinyConfig({ generator: { kind: 'dcgan' }, discriminator: { kind: 'dcgan' } }),
        out,
        dataset: odd,
      }),
    );
    expect(e3.code).toBe('unsupported_image_shape');
    expect(readdirSync(out).length).toBe(before);
    const run = await train({ config: tinyConfig({ steps: 1 }), out, dataset: mnist });
    const lines = readMetrics(join(run.runDir, 'metrics.jsonl')).length;
    const other: Dataset = { ...mnist, shape: { height: 14, width: 56, channels: 1 } };
    const e4 = await rejectionOf(train({ resume: run.runDir, dataset: other }));
    expect(e4.code).toBe('shape_mismatch');
    expect(e4.message).toContain('generator makes 28x28x1 images but dataset mnist has 14x56x1');
    expect(readMetrics(join(run.runDir, 'metrics.jsonl')).length).toBe(lines);
  });

  test('loadGenerator reads a run, a checkpoint, or its generator folder', async () => {
    const r = await train({
      config: tinyConfig({ steps: 4, logging: { sampleEvery: 0, checkpointEvery: 2, gridSize: 2 } }),
      out,
      dataset: mnist,
    });
    const latest = await loadGenerator(r.runDir);
    expect(latest.step).toBe(4);
    expect(latest.latent).toEqual({ dim: 100, distribution: 'uniform' });
    expect(latest.imageShape).toEqual({ height: 28, width: 28, channels: 1 });
    expect(latest.config?.name).toBe('tiny');
    const older = await loadGenerator(r.runDir, { step: 2 });
    expect(older.step).toBe(2);
    const direct = await loadGenerator(join(r.runDir, 'checkpoints', 'step-000004', 'generator'));
    expect(direct.checkpointDir).toBe(latest.checkpointDir);
    const z = tf.randomUniform([2, 100], -1, 1, 'float32', 1);
    const [a, b, c] = [latest, direct, older].map((g) => g.model.predict(z) as tf.Tensor);
    expect(a?.shape).toEqual([2, 28, 28, 1]);
    expect(Array.from(a?.dataSync() ?? [])).toEqual(Array.from(b?.dataSync() ?? []));
    expect(Array.from(a?.dataSync() ?? [])).not.toEqual(Array.from(c?.dataSync() ?? []));
    tf.dispose([z, a, b, c]);
    for (const g of [latest, older, direct]) g.model.dispose();
    const e = await rejectionOf(loadGenerator(r.runDir, { step: 3 }));
    expect(e.code).toBe('checkpoint_not_found');
    expect(e.hint).toContain('2, 4');
    expect(existsSync(join(r.runDir, 'checkpoints', 'step-000004', 'generator', 'weights.bin'))).toBe(true);
  });

  test('diagnosticsState is saved in every checkpoint and handed back on resume; a checkpoint without it resumes afresh', async () => {
    const config = tinyConfig({ steps: 6, logging: { sampleEvery: 0, checkpointEvery: 2, gridSize: 2 } });
    const stateAt = (step: number): SupervisorState => ({
      version: 1,
      detectors: initialDiagnosticsState(),
      pendingSamples: { data: Float32Array.of(-1, 0.25, Number.NaN, -0), n: 1 },
      rescues: step,
      logLines: { events: step, rescues: 0 },
    });
    let step = 0;
    const stop = interruptAt(3);
    const part = await train({
      config,
      out,
      dataset: mnist,
      signal: stop.signal,
      diagnosticsState: () => stateAt(step),
      onStep: (m) => {
        step = m.step;
        stop.onStep(m);
      },
    });
    expect(part.lastCheckpoint?.endsWith('step-000003')).toBe(true);
    let start: RunStart | undefined;
    const resume = (more: Parameters<typeof train>[0] = {}) =>
      train({
        resume: part.runDir,
        resumeSet: ['steps=4'],
        dataset: mnist,
        diagnosticsState: () => stateAt(step),
        onStart: (info) => {
          start = info;
        },
        ...more,
      });
    await resume();
    expect(start?.startStep).toBe(3);
    expect(start?.diagnostics).toEqual(stateAt(3));
    expect(Object.is(start?.diagnostics?.pendingSamples?.data[3], -0)).toBe(true);
    // A checkpoint written without it (an older release, or plain train()) resumes with fresh detectors.
    rmSync(join(part.runDir, 'checkpoints', 'step-000004', 'diagnostics.json'));
    const r = await resume({ resumeSet: ['steps=5'] });
    expect(start?.startStep).toBe(4);
    expect(start?.diagnostics).toBeUndefined();
    expect(r).toMatchObject({ status: 'completed', step: 5 });
  });

  test('resuming clears what interrupted checkpoint writes of dead processes left behind, and only that', async () => {
    const r = await train({
      config: tinyConfig({ steps: 4, logging: { sampleEvery: 0, checkpointEvery: 2, gridSize: 2 } }),
      out,
      dataset: mnist,
    });
    const checkpoints = join(r.runDir, 'checkpoints');
    const dead = 99_999_999; // above any pid_max: no such process
    // Killed while replacing step 4's checkpoint: the old one moved aside, the new one half written.
    renameSync(join(checkpoints, 'step-000004'), join(checkpoints, `.step-000004.old-${dead}-1`));
    const partial = join(checkpoints, `.step-000004.tmp-${dead}-2`);
    mkdirSync(join(partial, 'generator'), { recursive: true });
    writeFileSync(join(partial, 'generator', 'model.json'), '{"modelTopo');
    // a file write cut short, and an older version moved aside whose replacement did arrive
    writeFileSync(join(r.runDir, `.latest.tmp-${dead}-3`), 'step-0000');
    cpSync(join(checkpoints, 'step-000002'), join(checkpoints, `.step-000002.old-${dead}-4`), {
      recursive: true,
    });
    // not stale: a live process's temporary folder, and names this writer does not make
    mkdirSync(join(checkpoints, `.step-000006.tmp-${process.pid}-9`));
    mkdirSync(join(checkpoints, '.step-000006.tmp-keep'));
    writeFileSync(join(r.runDir, '.notes'), 'mine');

    const resumed = await train({ resume: r.runDir, resumeSet: ['steps=5'], dataset: mnist });
    expect(resumed.step).toBe(5);
    // step 4's checkpoint was put back and resumed from (not step 2's)
    expect(readRunMeta(join(r.runDir, 'meta.json')).resumes.map((x) => x.fromStep)).toEqual([4]);
    expect(readdirSync(checkpoints).sort()).toEqual([
      `.step-000006.tmp-${process.pid}-9`,
      '.step-000006.tmp-keep',
      'step-000002',
      'step-000004',
      'step-000005',
    ]);
    expect(readdirSync(r.runDir).filter((n) => n.startsWith('.'))).toEqual(['.notes']);
  });
});
