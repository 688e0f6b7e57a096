import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorOf } from '@ganforge/core/testing';
import { describe, expect, it } from 'vitest';
import { evaluationSteps, planSuiteFile } from './plan.ts';

const CONFIGS = fileURLToPath(new URL('../../../configs', import.meta.url));

function suiteFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-suite-'));
  const file = join(dir, 'suite.yaml');
  writeFileSync(file, text);
  return file;
}

const SUITE = `
name: lr-check
claim: a claim
source: a source
base: ${CONFIGS}/mlp-1hidden.yaml
set: { optimizers.d.lr: 0.0004, batchSize: 32 }
variants:
  - { name: plain }
  - { name: fast-d, set: { optimizers.d.lr: 0.0008 } }
  - { name: two-hidden, config: ${CONFIGS}/mlp-2hidden.yaml }
seeds: [7, 8]
budget: { steps: 25 }
evaluation: { every: 10, samples: 50 }
`;

describe('planSuite', () => {
  it('expands variants x seeds, variant-major, with base, common and own overrides in that order', () => {
    const plan = planSuiteFile(suiteFile(SUITE));
    expect(plan.runs.map((r) => r.id)).toEqual([
      'plain--seed-7',
      'plain--seed-8',
      'fast-d--seed-7',
      'fast-d--seed-8',
      'two-hidden--seed-7',
      'two-hidden--seed-8',
    ]);
    expect(plan.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a resolved config, read by path
    const cfg = (i: number) => plan.runs[i]?.config as Record<string, any>;
    expect(cfg(0).optimizers.d.lr).toBe(0.0004);
    expect(cfg(2).optimizers.d.lr).toBe(0.0008);
    expect(cfg(0).batchSize).toBe(32);
    expect(cfg(1).seed).toBe(8);
    expect(cfg(0).steps).toBe(25);
    expect(cfg(0).logging.checkpointEvery).toBe(10);
    expect(cfg(0).generator.hidden).toEqual([128]);
    expect(cfg(4).generator.hidden).toEqual([128, 384]);
    expect(cfg(4).name).toBe('two-hidden--seed-7');
    expect(plan.runs[0]?.evalSteps).toEqual([10, 20, 25]);
    expect(plan.evaluation).toEqual({ every: 10, samples: 50, seed: 0 });
    expect(plan.variants[1]?.set).toEqual(['optimizers.d.lr=0.0008']);
  });

  it('a typo in a variant fails before any run, naming the variant and the field', () => {
    const e = errorOf(() =>
      planSuiteFile(suiteFile(SUITE.replace('optimizers.d.lr: 0.0008', 'optimizers.d.lrr: 0.0008'))),
    );
    expect(e.message).toMatch(/variant 'fast-d'/);
    expect(e.message).toMatch(/lrr/);
  });

  it('rejects a bad suite with every problem named: duplicate variants, no seeds, unknown keys, a missing file', () => {
    const dup = errorOf(() => planSuiteFile(suiteFile(SUITE.replace('name: fast-d', 'name: plain'))));
    expect(dup.message).toMatch(/'plain' is used twice/);
    const noSeeds = errorOf(() => planSuiteFile(suiteFile(SUITE.replace('seeds: [7, 8]', 'seeds: []'))));
    expect(noSeeds.message).toMatch(/seeds/);
    const unknown = errorOf(() => planSuiteFile(suiteFile(`${SUITE}\nrepeats: 3\n`)));
    expect(unknown.message).toMatch(/repeats/);
    expect(errorOf(() => planSuiteFile('/nonexistent/suite.yaml')).message).toMatch(/cannot read suite file/);
  });
});

describe('evaluationSteps', () => {
  it('every N steps and the last step, once', () => {
    expect(evaluationSteps(1000, 250)).toEqual([250, 500, 750, 1000]);
    expect(evaluationSteps(25, 10)).toEqual([10, 20, 25]);
    expect(evaluationSteps(5, 10)).toEqual([5]);
  });
});
