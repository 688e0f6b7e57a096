/**
 * `ganforge eval` as a user runs it, on an exported model folder (a tiny ONNX generator), on a training run
 * folder (a 2-step MLP run), and on the mistakes a user makes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseModelCard } from '@ganforge/core';
import { tinyCard, writeTinyModel } from '@ganforge/serve/testing';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = 'packages/cli/bin/ganforge.mjs';

function ganforge(...args: string[]) {
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', GANFORGE_DEBUG: '' },
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
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
    const runs = join(dir, 'runs');
    const t = ganforge(
      'train',
      '--set',
      'name=tiny',
      '--set',
      'dataset.limit=64',
      '--set',
      'batchSize=16',
      '--set',
      'steps=2',
      '--set',
      'generator={kind: mlp, hidden: [16]}',
      '--set',
      'discriminator={kind: mlp, hidden: [16]}',
      '--backend',
      'cpu',
      '--out',
      runs,
      '--progress',
      'lines',
    );
    expect(t.code).toBe(0);
    const run = join(runs, readdirSync(runs)[0] as string);
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
