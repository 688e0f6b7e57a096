/**
 * `ganforge export` and scripts/export.ts (the same command) on a real run directory written by @ganforge/train:
 * exit codes, the one-line errors, and what lands on disk. In-process through the CLI's main().
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseModelCard } from '@ganforge/core';
import { useCpu, writeFixtureRun } from '@ganforge/export/testing';
import type { FixtureRun } from '@ganforge/export/testing';
import { ganforgeInProcess } from './support/ganforge-in-process.ts';
import { runNode } from './support/ganforge-process.ts';

let run: FixtureRun;
let root: string;
beforeAll(async () => {
  await useCpu();
  run = await writeFixtureRun({ step: 10 });
  root = mkdtempSync(join(tmpdir(), 'ganforge-export-cli-'));
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  for (const dir of [run.root, root]) rmSync(dir, { recursive: true, force: true });
});

/** `ganforge export <args>`, in-process. */
const ganforge = (...args: string[]) => ganforgeInProcess('export', ...args);

const card = (dir: string) => parseModelCard(JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')));

describe('ganforge export', () => {
  it('exports the latest checkpoint of a run and prints the parity figures', async () => {
    const out = join(root, 'models', 'digits');
    const r = await ganforge(run.runDir, '--out', out, '--opset', '17', '--name', 'Digits');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`exported generator 'Digits' to ${out}`);
    expect(r.stdout).toMatch(
      /parity \(max \|onnx - tfjs\|, tolerance 0\.0001\): onnxruntime-node \d\.\de-\d+, onnxruntime-web \d\.\de-\d+/,
    );
    expect(card(out)).toMatchObject({ name: 'Digits', onnx: { opset: 17 }, training: { stepsTrained: 10 } });
  });

  it('refuses to overwrite without --force (exit 1, one line), replaces with --force; --no-check skips parity', async () => {
    const out = join(root, 'models', 'again');
    expect((await ganforge(run.runDir, '--out', out)).code).toBe(0);
    const r = await ganforge(run.runDir, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^ganforge: a model already exists in .*again \(card\.json, model\.onnx\) \(pass --force to replace it, or choose another --out\)\n$/,
    );
    const forced = await ganforge(run.runDir, '--out', out, '--force', '--no-check', '--step', '10');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('skipped (--no-check)');
    expect(card(out).parity).toBeUndefined();
  });

  it('a missing checkpoint, an unknown step and an unwritable --out are one-line errors, exit 1', async () => {
    const missing = await ganforge(join(root, 'no-such-run'), '--out', join(root, 'x'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ganforge: .*no-such-run does not exist \(pass a run directory/);
    const step = await ganforge(run.runDir, '--step', '7', '--out', join(root, 'y'));
    expect(step.code).toBe(1);
    expect(step.stderr).toContain('has no checkpoint at step 7 (checkpoints: 10)');
    writeFileSync(join(root, 'plain-file'), '');
    const unwritable = await ganforge(run.runDir, '--out', join(root, 'plain-file', 'm'));
    expect(unwritable.code).toBe(1);
    expect(unwritable.stderr).toMatch(/^ganforge: cannot write the model into .*plain-file/);
    expect(readdirSync(root).sort()).toEqual(['models', 'plain-file']);
  });

  it('bad option values exit 2', async () => {
    expect((await ganforge(run.runDir, '--opset', '12')).code).toBe(2);
    expect((await ganforge(run.runDir, '--network', 'x')).code).toBe(2);
    expect((await ganforge(run.runDir, '--tolerance', 'abc')).code).toBe(2);
  });

  it('--network d exports the discriminator', async () => {
    const out = join(root, 'models', 'critic');
    const r = await ganforge(run.checkpointDir, '--network', 'd', '--out', out);
    expect(r.code).toBe(0);
    expect(card(out)).toMatchObject({
      network: 'discriminator',
      onnx: { inputName: 'image', outputName: 'logit' },
    });
  });
});

describe('scripts/export.ts (the offline script, a real process)', () => {
  it('exports like `ganforge export` and exits 0; an existing model without --force exits 1 with one line', () => {
    const out = join(root, 'models', 'script');
    const script = (...args: string[]) =>
      runNode(['--import', 'tsx', 'scripts/export.ts', run.runDir, '--out', out, ...args], 90_000);
    const first = script('--parity-batch', '4');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`exported generator 'script' to ${out}`);
    expect(card(out).parity?.batch).toBe(4);
    const second = script();
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain('a model already exists in');
  });
});
