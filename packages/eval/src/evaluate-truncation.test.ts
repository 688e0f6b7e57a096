/**
 * `ganforge eval --truncation`: the shipped generator evaluated on truncated latents (the protocol says so, the
 * numbers move), refused with --write-card, and a run's evaluation with it is not recorded in the run.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { parseTrainConfig, train } from '@ganforge/train';
import { TINY_CONDITIONAL_MLP } from '@ganforge/train/testing';
import { evaluateGenerator } from './evaluate-generator.ts';
import { sampleModelDir } from './sampling/model-dir.ts';

const MODEL = join(import.meta.dirname, '../../../models/mnist-dcgan');

describe('evaluation with the truncation trick', () => {
  it('records the truncation in the protocol, and the samples and metrics change with it', async () => {
    const plain = await evaluateGenerator({ path: MODEL, evaluator: 'auto', n: 100, seed: 3 });
    const truncated = await evaluateGenerator({
      path: MODEL,
      evaluator: 'auto',
      n: 100,
      seed: 3,
      truncation: 0.5,
    });
    expect(plain.protocol.truncation).toBeUndefined();
    expect(truncated.protocol.truncation).toBe(0.5);
    expect(truncated.metrics.frechetDistance).not.toBe(plain.metrics.frechetDistance);
    expect(truncated.cardUpdated).toBe(false);
    const a = await sampleModelDir(MODEL, 4, 3);
    const b = await sampleModelDir(MODEL, 4, 3, { truncation: 0.5 });
    expect(b.images).not.toEqual(a.images);
    expect(await sampleModelDir(MODEL, 4, 3, { truncation: 0.5 }).then((s) => s.images)).toEqual(b.images);
  });

  it('refuses --write-card with a truncation, and a truncation the latent prior does not allow', async () => {
    const card = await evaluateGenerator({
      path: MODEL,
      evaluator: 'auto',
      n: 10,
      seed: 0,
      truncation: 0.5,
      writeCard: true,
    }).catch((e: unknown) => e);
    expect(card).toBeInstanceOf(GanforgeError);
    expect((card as GanforgeError).code).toBe('bad_option');
    expect((card as GanforgeError).message).toMatch(/a card's evaluation is the untruncated generator's/);
    // mnist-dcgan's prior is uniform: t must be in (0, 1].
    const bad = await evaluateGenerator({
      path: MODEL,
      evaluator: 'auto',
      n: 10,
      seed: 0,
      truncation: 2,
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(GanforgeError);
    expect((bad as GanforgeError).code).toBe('bad_truncation');
  });

  describe('of a run', () => {
    let root: string;
    let runDir = '';
    beforeAll(async () => {
      root = mkdtempSync(join(tmpdir(), 'ganforge-eval-truncation-'));
      runDir = (await train({ config: parseTrainConfig(TINY_CONDITIONAL_MLP), out: root })).runDir;
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('is returned but not recorded in <run>/eval (a run records the untruncated evaluation)', async () => {
      const r = await evaluateGenerator({
        path: runDir,
        evaluator: 'auto',
        n: 50,
        seed: 0,
        backend: 'cpu',
        truncation: 0.5,
      });
      expect(r.protocol.truncation).toBe(0.5);
      expect(r.recorded).toBeUndefined();
      expect(existsSync(join(runDir, 'eval'))).toBe(false);
      const plain = await evaluateGenerator({
        path: runDir,
        evaluator: 'auto',
        n: 50,
        seed: 0,
        backend: 'cpu',
      });
      expect(plain.recorded).toBeDefined();
      expect(existsSync(join(runDir, 'eval'))).toBe(true);
    });
  });
});
