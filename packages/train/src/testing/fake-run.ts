import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng, tileGrid, type Rng } from '@ganforge/core';
import type { StepMetrics } from '@ganforge/runs';
import { diagnosticsConfig } from '../diagnostics/config.ts';
import { appendEvent, EVENTS_FILE } from '@ganforge/runs';
import { createDiagnostics } from '../diagnostics/monitor.ts';
import { overpoweringStream } from './synthetic.ts';

/** A full metrics.jsonl line from a synthetic diagnostics stream (per-layer norms, lr, throughput filled in). */
export function fullMetrics(m: ReturnType<typeof overpoweringStream>[number], rng: Rng): StepMetrics {
  const g = m.gGradNorm ?? 0;
  return {
    step: m.step,
    epoch: Math.floor(m.step / 100),
    dLossReal: m.dLossReal,
    dLossFake: m.dLossFake,
    gLoss: m.gLoss,
    momentMatching: 0,
    dReal: m.dReal,
    dFake: m.dFake,
    foolRate: m.foolRate ?? 0,
    gGradNorm: m.gGradNorm,
    dGradNorm: m.dGradNorm,
    gLayerGradNorms: { '01_dense': g * 0.8, '03_dense': g * 0.5 },
    dLayerGradNorms: { '01_dense': (m.dGradNorm ?? 0) * 0.7, '03_dense': (m.dGradNorm ?? 0) * 0.6 },
    dUpdates: 1,
    gUpdates: 1,
    skippedD: false,
    skippedG: false,
    l2: 0,
    noiseSigma: 0,
    lrG: 0.0002,
    lrD: 0.0002,
    imagesPerSec: 550 + 30 * rng.nextNormal(),
  };
}

/** A 28x28 "sample grid" PNG: blobs that sharpen with `quality` in [0, 1]. */
async function gridPng(rng: Rng, quality: number, n = 16): Promise<Buffer> {
  const size = 28;
  const images = new Float32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const cx = 8 + rng.nextFloat() * 12;
    const cy = 8 + rng.nextFloat() * 12;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const ring = Math.abs(Math.hypot(x - cx, y - cy) - 6);
        const signal = ring < 2 ? 1 : -1;
        const noise = rng.nextFloat() * 2 - 1;
        images[(i * size + y) * size + x] = quality * signal + (1 - quality) * noise;
      }
    }
  }
  const grid = tileGrid({ images, n, height: size, width: size, channels: 1 });
  return sharp(Buffer.from(grid.pixels), { raw: { width: grid.width, height: grid.height, channels: 1 } })
    .png()
    .toBuffer();
}

/**
 * A realistic run directory: config.json, meta.json, checkpoints/, metrics.jsonl of `steps` steps
 * (healthy, then D overpowering G from `onset`), events.jsonl from the real detectors, sample grids
 * every 100 steps, latent-walk frames and an eval.json.
 */
export async function writeFakeRun(
  dir: string,
  opts: { steps?: number; onset?: number } = {},
): Promise<string> {
  const steps = opts.steps ?? 600;
  const rng = createRng(99);
  mkdirSync(join(dir, 'samples'), { recursive: true });
  mkdirSync(join(dir, 'checkpoints'), { recursive: true });
  mkdirSync(join(dir, 'latent-walk'), { recursive: true });
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({ name: 'fake-mlp', seed: 1, batchSize: 64 }, null, 2),
  );
  writeFileSync(
    join(dir, 'meta.json'),
    JSON.stringify({
      format: 'ganforge-run/1',
      name: 'fake-mlp',
      status: 'completed',
      totalSteps: steps,
      backend: { name: 'wasm', threads: 2 },
      dataset: { name: 'mnist', size: 60000 },
      techniques: { momentMatching: false, instanceNoise: false, batchNormG: true },
      startedAt: '2026-11-23T19:00:00.000Z',
    }),
  );
  const diagnostics = createDiagnostics(diagnosticsConfig());
  const lines: string[] = [];
  for (const m of overpoweringStream(steps, { onset: opts.onset ?? 350 })) {
    const full = fullMetrics(m, rng);
    lines.push(JSON.stringify(full));
    for (const e of diagnostics.observe(full)) appendEvent(join(dir, EVENTS_FILE), e);
  }
  writeFileSync(join(dir, 'metrics.jsonl'), `${lines.join('\n')}\n`);
  for (let s = 0; s <= steps; s += 100) {
    writeFileSync(
      join(dir, 'samples', `step-${String(s).padStart(6, '0')}.png`),
      await gridPng(rng, Math.min(1, s / steps)),
    );
  }
  for (let f = 0; f < 8; f++) {
    const png = await sharp({
      create: { width: 28, height: 28, channels: 3, background: { r: 30 * f, g: 255 - 30 * f, b: 128 } },
    })
      .png()
      .toBuffer();
    writeFileSync(join(dir, 'latent-walk', `frame-${String(f).padStart(3, '0')}.png`), png);
  }
  writeFileSync(
    join(dir, 'eval.json'),
    JSON.stringify({
      protocol: { samples: 1000, evaluator: 'mnist-cnn', seed: 1 },
      fid: 42.5,
      classifierScore: 7.1,
      coverage: 10,
    }),
  );
  return dir;
}
