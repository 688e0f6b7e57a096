import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectionOf } from '@ganforge/core/testing';
import { loadDataset, type Dataset } from '@ganforge/data';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseTrainConfig } from '../config/resolve.ts';
import { interruptAt } from '../testing/interrupt-at.ts';
import { metricNumbers } from '../testing/metric-numbers.ts';
import { TINY_LOOP_MLP } from '../testing/tiny-runs.ts';
import { train } from './train.ts';

/** The techniques' state in checkpoints, through whole tiny runs (MLP GAN, MNIST limit 64, batch 16, cpu). */

let mnist: Dataset;
let out: string;

beforeAll(async () => {
  mnist = await loadDataset({ kind: 'mnist', limit: 64 });
  out = mkdtempSync(join(tmpdir(), 'ganforge-checkpointing-'));
});

const config = parseTrainConfig({
  ...TINY_LOOP_MLP,
  seed: 9,
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

async function interruptedAt(step: number): Promise<string> {
  const part = await train({ config, out, dataset: mnist, ...interruptAt(step) });
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
    expect(metricNumbers(runDir)).toEqual(metricNumbers(whole.runDir));
    expect(readState(stateFile(runDir, 6))['controller']).toEqual(
      readState(stateFile(whole.runDir, 6))['controller'],
    );
  });

  test('a damaged one fails the resume before the run folder is touched', async () => {
    const runDir = await interruptedAt(2);
    const file = stateFile(runDir, 2);
    writeFileSync(file, JSON.stringify({ ...readState(file), controller: { adaptiveL2: { l2: 'high' } } }));
    const before = readFileSync(join(runDir, 'meta.json'), 'utf8');
    const e = await rejectionOf(train({ resume: runDir, dataset: mnist }));
    expect(e.code).toBe('bad_checkpoint');
    expect(e.message).toContain("field 'controller.adaptiveL2.l2'");
    expect(readFileSync(join(runDir, 'meta.json'), 'utf8')).toBe(before);
    expect(metricNumbers(runDir)).toHaveLength(2);
  });
});
