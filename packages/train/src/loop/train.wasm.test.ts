import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import { interruptAt } from '../testing/interrupt-at.ts';
import { metricNumbers } from '../testing/metric-numbers.ts';
import { TINY_LOOP_MLP } from '../testing/tiny-runs.ts';
import { train } from './train.ts';

/** The training loop on the wasm backend (threads + SIMD where available): same guarantees as on cpu. */

const config = parseTrainConfig({
  ...TINY_LOOP_MLP,
  name: 'tiny-wasm',
  seed: 8,
  backend: 'wasm',
  generator: { kind: 'mlp', hidden: [16], batchNorm: true },
  techniques: { instanceNoise: { enabled: true } },
  logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 2 },
});

describe('train on wasm', () => {
  test('same seed, same metrics; resume matches; no tensors leak', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-wasm-'));
    const counts: number[] = [];
    const a = await train({ config, out, onStep: () => counts.push(tf.memory().numTensors) });
    expect(a.backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(new Set(counts.slice(1)).size).toBe(1);
    const b = await train({ config, out, ...interruptAt(3) });
    expect(b.step).toBe(3);
    await train({ resume: b.runDir });
    expect(metricNumbers(b.runDir)).toEqual(metricNumbers(a.runDir));
    expect(metricNumbers(a.runDir)).toHaveLength(6);
  });
});
