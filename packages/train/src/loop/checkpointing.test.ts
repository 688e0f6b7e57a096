import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import { loadDataset, type Dataset } from '@ganforge/data';
import { readMetrics, TIMING_METRICS } from '@ganforge/runs';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import { train } from './train.ts';

/** The techniques' state in checkpoints, through whole tiny runs (MLP GAN, MNIST limit 64, batch 16, cpu). */

let mnist: Dataset;
let out: string;

beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 64 });
  out = mkdtempSync(join(tmpdir(), 'ganforge-checkpointing-'));
});

const config = parseTrainConfig({
  name: 'tiny',
  seed: 9,
  backend: 'cpu',
  dataset: { kind: 'mnist', limit: 64 },
  batchSize: 16,
  steps: 6,
  generator: { kind: 'mlp', hidden: [16] },
  discriminator: { kind: 'mlp', hidden: [16] },
  logging: { sampleEvery: 0, checkpointEvery: 0, gridSize: 2 },
  techniques: {
    adaptiveL2: { enabled: true, initial: 0.01, upper: 0.5, lower: 0.4, delta: 0.001 },
    // On D's features: the feature model shares D's layers, which the end of each run frees once.
    momentMatching: { enabled: true, features: 'discriminator' },
  },
});

const stateFile = (runDir: string, step: number): string =>
  join(runDir, 'checkpoints', `step-${String(step).padStart(6, '0')}`, 'state.json');
const readState = (file: string): Record<string, unknown> => JSON.parse(readFileSync(file, 'utf8'));

function numbers(runDir: string): unknown[] {
  return readMetrics(join(runDir, 'metrics.jsonl')).map((m) => {
    const copy: Record<string, unknown> = { ...m };
    for (const key of TIMING_METRICS) delete copy[key];
    return copy;
  });
}

async function interruptedAt(step: number): Promise<string> {
  const abort = new AbortController();
  const part = await train({
    config,
    out,
    dataset: mnist,
    signal: abort.signal,
    onStep: (m) => m.step === step && abort.abort(),
  });
  expect(part).toMatchObject({ status: 'interrupted', step });
  return part.runDir;
}

describe('checkpointed technique state', () => {
  test('is saved by technique name; a checkpoint of an older release ({ l2 }) resumes as if never stopped', async () => {
    const whole = await train({ config, out, dataset: mnist });
    expect(readState(stateFile(whole.runDir, 6))['controller']).toEqual({
      adaptiveL2: { l2: expect.any(Number) },
    });
    const runDir = await interruptedAt(3);
    const file = stateFile(runDir, 3);
    const state = readState(file);
    const saved = state['controller'] as { adaptiveL2: { l2: number } };
    expect(saved.adaptiveL2.l2).toBeGreaterThan(0.01); // it moved: G's loss is above `upper`
    writeFileSync(file, JSON.stringify({ ...state, controller: { l2: saved.adaptiveL2.l2 } }));
    await train({ resume: runDir, dataset: mnist });
    expect(numbers(runDir)).toEqual(numbers(whole.runDir));
    expect(readState(stateFile(runDir, 6))['controller']).toEqual(
      readState(stateFile(whole.runDir, 6))['controller'],
    );
  });

  test('a damaged one fails the resume before the run folder is touched', async () => {
    const runDir = await interruptedAt(2);
    const file = stateFile(runDir, 2);
    writeFileSync(file, JSON.stringify({ ...readState(file), controller: { adaptiveL2: { l2: 'high' } } }));
    const before = readFileSync(join(runDir, 'meta.json'), 'utf8');
    const e = await train({ resume: runDir, dataset: mnist }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(GanforgeError);
    expect((e as GanforgeError).code).toBe('bad_checkpoint');
    expect((e as GanforgeError).message).toContain("field 'controller.adaptiveL2.l2'");
    expect(readFileSync(join(runDir, 'meta.json'), 'utf8')).toBe(before);
    expect(numbers(runDir)).toHaveLength(2);
  });
});
