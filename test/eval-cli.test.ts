/**
 * `ganforge eval` as a user runs it, on an exported model folder (a tiny ONNX generator), on a training run
 * folder (a 2-step MLP run), on a class-conditional run and its export, and on the mistakes a user makes.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModelCard } from '@ganforge/core';
import { tinyCard, writeTinyModel } from '@ganforge/serve/testing';
import { ganforgeProcess } from './support/ganforge-process.ts';

const ganforge = (...args: string[]) => ganforgeProcess(args, 120_000);

/** A short training run of an MLP G and D (one hidden layer each) on the first `limit` MNIST images. */
interface MlpRun {
  readonly name: string;
  /** Default 64. */
  readonly limit?: number;
  /** Default 16. */
  readonly batchSize?: number;
  /** Default 2. */
  readonly steps?: number;
  /** Units of the hidden layer; default 16. */
  readonly hidden?: number;
  /** More config settings, as `key=value`. */
  readonly more?: readonly string[];
}

/** `ganforge train` of `r` on the cpu backend into `runs`; returns the run folder. */
function trainMlpRun(runs: string, r: MlpRun): string {
  const { limit = 64, batchSize = 16, steps = 2, hidden = 16 } = r;
  const settings = [
    `name=${r.name}`,
    `dataset.limit=${limit}`,
    `batchSize=${batchSize}`,
    `steps=${steps}`,
    `generator={kind: mlp, hidden: [${hidden}]}`,
    `discriminator={kind: mlp, hidden: [${hidden}]}`,
    ...(r.more ?? []),
  ];
  const t = ganforge(
    'train',
    ...settings.flatMap((setting) => ['--set', setting]),
    ...['--backend', 'cpu', '--out', runs, '--progress', 'lines'],
  );
  expect(t.code).toBe(0);
  return join(runs, readdirSync(runs)[0] as string);
}

const METRICS = [
  'frechetDistance',
  'classifierScore',
  'classCoverage',
  'classKl',
  'precision',
  'recall',
  'density',
  'coverage',
];

describe('ganforge eval', () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ganforge-eval-'));
    const mnistCard = {
      ...tinyCard('tiny28', { latentDim: 8, height: 28, width: 28 }),
      dataset: { name: 'mnist' },
    };
    model = await writeTinyModel(dir, 'tiny28', { latentDim: 8, height: 28, width: 28, card: mnistCard });
    await writeTinyModel(dir, 'tiny8', {
      latentDim: 4,
      card: { ...tinyCard('tiny8', { latentDim: 4 }), dataset: { name: 'mnist' } },
    });
    await writeTinyModel(dir, 'unknown-data', { latentDim: 8, height: 28, width: 28 });
  });

  it('model folder: --json prints metrics + protocol, --write-card stores them in card.json', () => {
    const r = ganforge('eval', model, '--n', '100', '--seed', '3', '--json', '--write-card');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      metrics: Record<string, number>;
      protocol: Record<string, unknown>;
    };
    expect(Object.keys(result.metrics)).toEqual(METRICS);
    expect(result.protocol).toMatchObject({
      samples: 100,
      seed: 3,
      k: 5,
      reference: { dataset: 'mnist', split: 'test', count: 100 },
    });
    const card = parseModelCard(JSON.parse(readFileSync(join(model, 'card.json'), 'utf8')));
    expect(card.evaluation?.metrics).toEqual(result.metrics);
    expect(card.evaluation?.protocol).toEqual(result.protocol);
    expect(readdirSync(model).sort()).toEqual(['card.json', 'model.onnx']); // no temp files left
    // Same seed, same numbers.
    const again = JSON.parse(
      ganforge('eval', model, '--n', '100', '--seed', '3', '--json').stdout,
    ) as typeof result;
    expect(again.metrics).toEqual(result.metrics);
  });

  it('run folder: samples the latest checkpoint with tfjs and prints a readable table; --out writes JSON', () => {
    const run = trainMlpRun(join(dir, 'runs'), { name: 'tiny' });
    const out = join(dir, 'result.json');
    const r = ganforge('eval', run, '--n', '60', '--backend', 'cpu', '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^run tiny-\S+ \(step 2\): 60 samples vs 60 mnist test images, evaluator mnist \([0-9a-f]{12}\), seed 0, k 5/,
    );
    for (const m of METRICS) expect(r.stdout).toMatch(new RegExp(`^  ${m} +[0-9.]+$`, 'm'));
    const written = JSON.parse(readFileSync(out, 'utf8')) as { source: { step: number }; metrics: object };
    expect(written.source.step).toBe(2);
    // an unconditional generator: no conditional section, no class draw in the protocol
    expect(written).not.toHaveProperty('conditional');
    expect(written).not.toHaveProperty('protocol.conditioning');
    expect(r.stdout).not.toContain('conditional');
    // the run keeps the result for `ganforge report` and `ganforge export` (which puts it in the card)
    const recorded = join(run, 'eval', 'step-000002.json');
    expect(r.stdout).toContain(`recorded in ${recorded}`);
    expect((JSON.parse(readFileSync(recorded, 'utf8')) as { metrics: object }).metrics).toEqual(
      written.metrics,
    );
    const exported = join(dir, 'models', 'tiny');
    expect(ganforge('export', run, '--out', exported, '--no-check').code).toBe(0);
    const card = parseModelCard(JSON.parse(readFileSync(join(exported, 'card.json'), 'utf8')));
    expect(card.evaluation?.metrics).toEqual(written.metrics);
  });

  it('class-conditional run and its export: prints and records conditional accuracy and per-class FD', () => {
    const run = trainMlpRun(join(dir, 'conditional-runs'), {
      name: 'tiny-cmlp',
      limit: 256,
      batchSize: 32,
      steps: 6,
      hidden: 32,
      more: ['seed=3', 'conditioning={generator: concat, discriminator: projection}'],
    });
    const r = ganforge('eval', run, '--n', '100', '--backend', 'cpu');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const m of METRICS) expect(r.stdout).toMatch(new RegExp(`^  ${m} +[0-9.]+$`, 'm'));
    expect(r.stdout).toContain('conditional (10 classes, sample i generated for class i mod 10):');
    const number = (name: string) => Number(new RegExp(`^  ${name} +([0-9.]+)$`, 'm').exec(r.stdout)?.[1]);
    expect(number('accuracy')).toBeGreaterThanOrEqual(0);
    expect(number('accuracy')).toBeLessThanOrEqual(1);
    expect(Number.isFinite(number('meanFrechetDistance'))).toBe(true);
    expect(r.stdout).toMatch(/^ {2}class name samples accuracy frechetDistance$/m);
    const rows = [...r.stdout.matchAll(/^ {2}(\d) +(\d) +10 +([0-9.]+) +([0-9.]+)$/gm)];
    expect(rows.map((m) => Number(m[1]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const m of rows) {
      expect(Number(m[3])).toBeGreaterThanOrEqual(0);
      expect(Number(m[3])).toBeLessThanOrEqual(1);
      expect(Number.isFinite(Number(m[4]))).toBe(true);
    }
    type Conditional = { accuracy: number; perClass: { samples: number; accuracy: number }[] };
    const recorded = JSON.parse(readFileSync(join(run, 'eval', 'step-000006.json'), 'utf8')) as {
      protocol: object;
      conditional: Conditional;
    };
    expect(recorded.protocol).toMatchObject({ conditioning: { classes: 10, draw: 'balanced' } });
    expect(recorded.conditional.accuracy).toBeCloseTo(number('accuracy'), 4);
    expect(recorded.conditional.perClass.map((p) => p.samples)).toEqual(new Array(10).fill(10));
    // the exported ONNX model takes the same classes on its int64 class input
    const exported = join(dir, 'models', 'tiny-cmlp');
    expect(ganforge('export', run, '--out', exported, '--no-check').code).toBe(0);
    const m = ganforge('eval', exported, '--n', '100', '--json');
    expect(m.stderr).toBe('');
    expect(m.code).toBe(0);
    const model = JSON.parse(m.stdout) as { conditional: Conditional };
    expect(model.conditional.perClass.map((p) => p.samples)).toEqual(new Array(10).fill(10));
    // same z and classes as the run's tfjs G, to export parity: the same predictions within a sample or two
    expect(Math.abs(model.conditional.accuracy - recorded.conditional.accuracy)).toBeLessThanOrEqual(0.02);
  });

  it('fails with one line for a missing folder, a shape the evaluator does not take, an unknown dataset', () => {
    const missing = ganforge('eval', join(dir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ganforge: no such directory: .*nope \(pass a model folder/);
    const small = ganforge('eval', join(dir, 'tiny8'), '--n', '20');
    expect(small.code).toBe(1);
    expect(small.stderr).toMatch(/tiny8 generates 8x8x1 images; evaluator 'mnist' takes 28x28x1/);
    const unknown = ganforge('eval', join(dir, 'unknown-data'), '--n', '20');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /no shipped evaluator for dataset 'none' \(name one with --evaluator mnist\|fashion-mnist/,
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(ganforge('eval', empty, '--write-card').stderr).toMatch(/--write-card needs a model folder/);
    const bad = ganforge('eval', model, '--n', '5');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected a whole number from 10 to 10000, got 5/);
  });
});
