import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import { readMetrics } from '@ganforge/runs';
import { train } from './train.ts';

/** The training loop on the wasm backend (threads + SIMD where available): same guarantees as on cpu. */

const config = parseTrainConfig({
  name: 'tiny-wasm',
  seed: 8,
  backend: 'wasm',
  dataset: { kind: 'mnist', limit: 64 },
  batchSize: 16,
  steps: 6,
  generator: { kind: 'mlp', hidden: [16], batchNorm: true },
  discriminator: { kind: 'mlp', hidden: [16], dropout: 0.3 },
  techniques: { instanceNoise: { enabled: true } },
  logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 2 },
});

function numbers(runDir: string): unknown[] {
  return readMetrics(join(runDir, 'metrics.jsonl')).map(({ imagesPerSec: _, ...rest }) => rest);
}

describe('train on wasm', () => {
  test('same seed, same metrics; resume matches; no tensors leak', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-wasm-'));
    const counts: number[] = [];
    const a = await train({ config, out, onStep: () => counts.push(tf.memory().numTensors) });
    expect(a.backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(new Set(counts.slice(1)).size).toBe(1);
    const abort = new AbortController();
    const b = await train({
      config,
      out,
      signal: abort.signal,
      onStep: (m) => m.step === 3 && abort.abort(),
    });
    expect(b.step).toBe(3);
    await train({ resume: b.runDir });
    expect(numbers(b.runDir)).toEqual(numbers(a.runDir));
    expect(numbers(a.runDir)).toHaveLength(6);
  });
});
