import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorOf } from '@ganforge/core/testing';
import { describe, expect, it } from 'vitest';
import { planSuiteFile } from './plan.ts';
import { preparePlan, samePlanButLonger } from './run-ablation.ts';

const CONFIG = fileURLToPath(new URL('../../../configs/mlp-1hidden.yaml', import.meta.url));

function plan(steps: number, extra = '') {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-suite-'));
  const file = join(dir, 'suite.yaml');
  writeFileSync(
    file,
    `name: s\nbase: ${CONFIG}\nvariants: [{ name: a }, { name: b, set: { batchSize: 32 } }]\n` +
      `seeds: [1, 2]\nbudget: { steps: ${steps} }\nevaluation: { every: 10 }\n${extra}`,
  );
  return planSuiteFile(file);
}

describe('samePlanButLonger', () => {
  it('accepts the same plan, or the same runs with a larger budget', () => {
    expect(samePlanButLonger(plan(30), plan(30))).toBe(true);
    expect(samePlanButLonger(plan(30), plan(50))).toBe(true);
  });

  it('refuses a smaller budget, other configs, other seeds or another evaluation', () => {
    expect(samePlanButLonger(plan(50), plan(30))).toBe(false);
    expect(samePlanButLonger(plan(30), plan(30, 'set: { optimizers.d.lr: 0.0004 }'))).toBe(false);
    const other = plan(30);
    expect(samePlanButLonger(other, { ...other, runs: other.runs.slice(1) })).toBe(false);
    expect(samePlanButLonger(other, { ...other, evaluation: { ...other.evaluation, samples: 500 } })).toBe(
      false,
    );
  });

  it('preparePlan refuses a result folder made for another plan, naming the fix', () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-ablation-'));
    preparePlan(out, plan(30));
    preparePlan(out, plan(40));
    const e = errorOf(() => preparePlan(out, plan(40, 'set: { batchSize: 16 }')));
    expect(e.message).toMatch(/holds the results of a different plan/);
    expect(e.hint).toMatch(/another --out/);
  });
});
