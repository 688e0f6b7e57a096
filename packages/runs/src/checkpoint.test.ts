import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOf } from '@ganforge/core/testing';
import { CHECKPOINT_FILES, readCheckpointState } from './checkpoint.ts';
import { readRunConfigView } from './run-config.ts';
import { RUN_FILES } from './run-dir.ts';

const goodState = {
  step: 40,
  epoch: 1,
  batchInEpoch: 3,
  rng: { dataAtEpochStart: [1, 2], latent: [3], noise: [4] },
  controller: { l2: 0.001 },
  latent: { dim: 16, distribution: 'normal' },
};

function checkpointWith(state: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-ckpt-'));
  writeFileSync(join(dir, CHECKPOINT_FILES.state), typeof state === 'string' ? state : JSON.stringify(state));
  return dir;
}

describe('checkpoint state.json', () => {
  it('is read back as written, the trainer-owned fields untouched', () => {
    expect(readCheckpointState(checkpointWith(goodState))).toEqual(goodState);
  });

  it('names the bad field when state.json is damaged', () => {
    const negative = errorOf(() => readCheckpointState(checkpointWith({ ...goodState, step: -1 })));
    expect(negative.code).toBe('bad_checkpoint');
    expect(negative.message).toMatch(/state\.json: field 'step'/);
    const { latent: _latent, ...noLatent } = goodState;
    expect(errorOf(() => readCheckpointState(checkpointWith(noLatent))).message).toMatch(/field 'latent'/);
    const torn = errorOf(() => readCheckpointState(checkpointWith('{"step": 4')));
    expect(torn.code).toBe('bad_checkpoint');
    expect(torn.hint).toMatch(/use another one/);
  });
});

describe("a run's config.json, as readers see it", () => {
  function runWith(config: unknown): string {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-run-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, RUN_FILES.config), JSON.stringify(config));
    return dir;
  }
  const config = {
    name: 'mnist-dcgan',
    seed: 7,
    dataset: { kind: 'mnist', split: 'train', limit: 512 },
    latent: { dim: 100, distribution: 'uniform' },
    generator: { kind: 'dcgan' },
    discriminator: { kind: 'dcgan' },
    loss: 'non_saturating',
    optimizers: { g: {}, d: {} },
    batchSize: 64,
    techniques: { instanceNoise: { enabled: false } },
  };

  it('keeps the fields it does not name (the full config is the trainer’s)', () => {
    const view = readRunConfigView(runWith(config));
    expect(view?.dataset.kind).toBe('mnist');
    expect(view?.['techniques']).toEqual(config.techniques);
  });

  it('is undefined without a config.json and a clear error when a field is missing', () => {
    expect(readRunConfigView(mkdtempSync(join(tmpdir(), 'ganforge-run-')))).toBeUndefined();
    const { seed: _seed, ...noSeed } = config;
    const e = errorOf(() => readRunConfigView(runWith(noSeed)));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(/config\.json: field 'seed'/);
  });
});
