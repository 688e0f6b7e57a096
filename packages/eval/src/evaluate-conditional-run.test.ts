/**
 * evaluateGenerator on a real class-conditional run (a tiny MLP GAN trained for 6 steps by @ganforge/train):
 * the samples get balanced classes, the result and the run's eval record carry the conditional section, and an
 * evaluator of other classes skips it with a note while the unconditional metrics stay.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrainConfig, train } from '@ganforge/train';
import { TINY_CONDITIONAL_MLP } from '@ganforge/train/testing';
import { evaluateGenerator } from './evaluate-generator.ts';
import type { GeneratorEvaluation } from './evaluate-generator.ts';
import { sampleRunDir } from './sampling/run-dir.ts';

let root: string;
let runDir = '';
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ganforge-eval-conditional-'));
  const config = parseTrainConfig(TINY_CONDITIONAL_MLP);
  runDir = (await train({ config, out: root })).runDir;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('eval of a class-conditional run', () => {
  it('samples class i mod 10 for sample i, with the class names the run recorded', async () => {
    const s = await sampleRunDir(runDir, 25, 0, { backend: 'cpu' });
    expect(s.conditioning?.numClasses).toBe(10);
    expect(s.conditioning?.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(Array.from(s.conditioning!.labels)).toEqual(Array.from({ length: 25 }, (_, i) => i % 10));
    expect(s.images.length).toBe(25 * 784);
    const again = await sampleRunDir(runDir, 25, 0, { backend: 'cpu' });
    expect(again.images).toEqual(s.images);
  });

  it('adds conditional accuracy and per-class FD to the result and to <run>/eval/step-000006.json', async () => {
    const r: GeneratorEvaluation = await evaluateGenerator({
      path: runDir,
      evaluator: 'auto',
      n: 100,
      seed: 0,
      backend: 'cpu',
    });
    expect(Object.keys(r.metrics)).toHaveLength(8);
    expect(r.protocol.conditioning).toEqual({ classes: 10, draw: 'balanced' });
    const c = r.conditional!;
    expect(c.skipped).toBeUndefined();
    expect(c.numClasses).toBe(10);
    expect(c.accuracy).toBeGreaterThanOrEqual(0);
    expect(c.accuracy).toBeLessThanOrEqual(1);
    expect(Number.isFinite(c.meanFrechetDistance)).toBe(true);
    expect(c.perClass?.map((p) => [p.class, p.name, p.samples, p.referenceSamples])).toEqual(
      Array.from({ length: 10 }, (_, k) => [k, String(k), 10, 10]),
    );
    for (const p of c.perClass!) {
      expect(p.accuracy).toBeGreaterThanOrEqual(0);
      expect(p.accuracy).toBeLessThanOrEqual(1);
      expect(Number.isFinite(p.frechetDistance) && p.frechetDistance > 0).toBe(true);
    }
    const recorded = JSON.parse(readFileSync(join(runDir, 'eval', 'step-000006.json'), 'utf8')) as object;
    expect(recorded).toMatchObject({ conditional: JSON.parse(JSON.stringify(c)) as object });
  });

  it('an evaluator of other classes skips the conditional metrics with a note, and still measures the rest', async () => {
    const r = await evaluateGenerator({
      path: runDir,
      evaluator: 'fashion-mnist',
      n: 20,
      seed: 0,
      backend: 'cpu',
    });
    expect(Number.isFinite(r.metrics.frechetDistance)).toBe(true);
    expect(r.conditional).toEqual({
      numClasses: 10,
      classDraw: 'balanced',
      skipped:
        "the generator's classes (0, 1, 2, ...) are not those of evaluator 'fashion-mnist' (T-shirt/top, Trouser, Pullover, ...)",
    });
  });
});
