/**
 * `ganforge ablate` as a user runs it: a tiny suite (two variants, two seeds, a few hundred steps of a small
 * MLP GAN on MNIST) trained in real child processes, the scheduler killed with SIGKILL in the middle of a run,
 * then the same command again: the finished run is kept as it was, the interrupted one resumes from its
 * checkpoint, and the report's numbers are the mean and std of the runs' own evaluation files.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ganforgeProcess, ROOT } from './support/ganforge-process.ts';

const SUITE = `
name: tiny-ablation
claim: moment matching helps
source: a test
base: ${join(ROOT, 'configs/mlp-1hidden.yaml')}
set: { batchSize: 64, generator.hidden: [64], discriminator.hidden: [32], logging.sampleEvery: 200 }
variants:
  - { name: plain }
  - { name: moments, set: { techniques.momentMatching.enabled: true } }
seeds: [1, 2]
budget: { steps: 600 }
evaluation: { every: 200, samples: 50, seed: 3 }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runDirOf(parent: string): string {
  const name = readdirSync(parent).find((n) => n.startsWith('plain--') || n.startsWith('moments--'));
  if (name === undefined) throw new Error(`no run folder in ${parent}`);
  return join(parent, name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ablation.json and eval files, read by path
const json = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

describe('ganforge ablate', () => {
  it('runs a suite, survives a SIGKILL of the scheduler, resumes, and reports mean ± std over seeds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-ablate-'));
    const suite = join(dir, 'tiny.yaml');
    writeFileSync(suite, SUITE);
    const out = join(dir, 'out');
    const args = [
      BIN,
      'ablate',
      suite,
      '--out',
      out,
      '--jobs',
      '1',
      '--backend',
      'wasm',
      '--progress',
      'lines',
    ];
    const runs = join(out, 'runs');
    const first = join(runs, 'plain--seed-1');
    const second = join(runs, 'plain--seed-2');

    const scheduler = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
    const pid = scheduler.pid ?? 0;
    try {
      // The first run finished; the second has its first checkpoint (step 200 of 600) but not its last.
      await until('the first run', () => existsSync(join(first, 'done.json')), 90_000);
      await until(
        'a checkpoint of the second run',
        () => existsSync(second) && readdirSync(second).some((n) => existsSync(join(second, n, 'latest'))),
        60_000,
      );
    } finally {
      scheduler.kill('SIGKILL');
    }
    // The run's child sees its scheduler gone, stops training with a checkpoint and releases its lock.
    await until('the orphaned run to stop', () => !existsSync(join(second, '.lock')), 30_000);
    expect(alive(pid)).toBe(false);
    const firstDone = readFileSync(join(first, 'done.json'), 'utf8');
    expect(existsSync(join(second, 'done.json'))).toBe(false);
    const secondRun = runDirOf(second);
    const stoppedAt = readFileSync(join(secondRun, 'latest'), 'utf8').trim();
    expect(stoppedAt).not.toBe('step-000600');

    const again = ganforgeProcess(args.slice(1), 240_000);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/4 runs of 600 steps \(1 already done\)/);
    // Kept as it was, not trained again.
    expect(readFileSync(join(first, 'done.json'), 'utf8')).toBe(firstDone);
    // Resumed in the same run folder from its checkpoint: every step logged once.
    expect(runDirOf(second)).toBe(secondRun);
    expect(readFileSync(join(second, 'train.log'), 'utf8')).toMatch(/resuming .* from step \d+ of 600/);
    const steps = readFileSync(join(secondRun, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).step as number);
    expect(steps).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));

    // The report: each variant's final FD is the mean and sample std of its runs' own evaluation files.
    const result = json(join(out, 'ablation.json'));
    expect(result.runs.map((r: { status: string }) => r.status)).toEqual(Array(4).fill('completed'));
    for (const variant of ['plain', 'moments']) {
      const fds = [1, 2].map((seed) => {
        const runDir = runDirOf(join(runs, `${variant}--seed-${seed}`));
        const evaluation = json(join(runDir, 'eval', 'step-000600.json'));
        expect(evaluation.protocol).toMatchObject({ samples: 50, seed: 3 });
        return evaluation.metrics.frechetDistance as number;
      });
      const mean = (fds[0]! + fds[1]!) / 2;
      const std = Math.abs(fds[0]! - fds[1]!) / Math.SQRT2;
      const summary = result.variants.find((v: { name: string }) => v.name === variant);
      expect(summary.final.frechetDistance.mean).toBeCloseTo(mean, 9);
      expect(summary.final.frechetDistance.std).toBeCloseTo(std, 9);
      expect(summary.curve.map((c: { step: number }) => c.step)).toEqual([200, 400, 600]);
    }
    const markdown = readFileSync(join(out, 'ablation.md'), 'utf8');
    expect(markdown).toMatch(/^\| plain \|/m);
    expect(markdown).toMatch(/^\| moments \|/m);
    expect(markdown).toContain(`ganforge ablate ${suite} --out ${out}`);
    const html = readFileSync(join(out, 'ablation.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(html.match(/data:image\/png;base64,/g)?.length).toBe(4);

    // --collect rebuilds the same numbers from the finished runs alone.
    const collected = ganforgeProcess(['ablate', '--collect', out], 60_000);
    expect(collected.code).toBe(0);
    expect(json(join(out, 'ablation.json')).variants).toEqual(result.variants);

    // A larger budget continues every run from its last checkpoint and evaluates the new steps only.
    const step600 = readFileSync(join(secondRun, 'eval', 'step-000600.json'), 'utf8');
    writeFileSync(suite, SUITE.replace('steps: 600', 'steps: 800'));
    const longer = ganforgeProcess(
      ['ablate', suite, '--out', out, '--jobs', '2', '--backend', 'wasm', '--progress', 'lines'],
      240_000,
    );
    expect(longer.stderr).toBe('');
    expect(longer.code).toBe(0);
    expect(readFileSync(join(second, 'train.log'), 'utf8')).toMatch(/resuming .* from step 600 of 800/);
    expect(readFileSync(join(secondRun, 'eval', 'step-000600.json'), 'utf8')).toBe(step600);
    const longerResult = json(join(out, 'ablation.json'));
    expect(longerResult.runs.map((r: { status: string }) => r.status)).toEqual(Array(4).fill('completed'));
    expect(longerResult.variants[0].curve.map((c: { step: number }) => c.step)).toEqual([200, 400, 600, 800]);
  }, 500_000);

  it('bad input is one line and a non-zero exit, never a stack trace', () => {
    const missing = ganforgeProcess(['ablate', 'no-such-suite.yaml'], 60_000);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/cannot read suite file no-such-suite\.yaml/);

    const dir = mkdtempSync(join(tmpdir(), 'ganforge-ablate-bad-'));
    const suite = join(dir, 'bad.yaml');
    writeFileSync(
      suite,
      SUITE.replace('techniques.momentMatching.enabled', 'techniques.momentMatchin.enabled'),
    );
    const typo = ganforgeProcess(['ablate', suite, '--plan'], 60_000);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/variant 'moments'.*momentMatchin/);
    expect(typo.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(suite, SUITE);
    const index = ganforgeProcess(['ablate', suite, '--index', '9', '--out', join(dir, 'out')], 60_000);
    expect(index.code).toBe(2);
    expect(index.stderr).toMatch(/--index 9: the plan has runs 0\.\.3/);
    const noSuite = ganforgeProcess(['ablate'], 60_000);
    expect(noSuite.code).toBe(2);
    expect(noSuite.stderr).toMatch(/needs a suite file/);
  }, 120_000);

  it('--plan lists every run; --emit kubernetes prints an Indexed Job with one completion per run', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-ablate-plan-'));
    const suite = join(dir, 'tiny.yaml');
    writeFileSync(suite, SUITE);
    const plan = ganforgeProcess(['ablate', suite, '--plan'], 60_000);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toMatch(/2 variants x 2 seeds = 4 runs/);
    expect(plan.stdout).toMatch(/evaluated at steps 200, 400, 600/);
    expect(plan.stdout).toMatch(/3 {2}moments--seed-2/);
    const emit = ganforgeProcess(['ablate', suite, '--emit', 'kubernetes', '--jobs', '2'], 60_000);
    expect(emit.code).toBe(0);
    expect(emit.stdout).toMatch(/kind: Job/);
    expect(emit.stdout).toMatch(/completions: 4/);
    expect(emit.stdout).toMatch(/completionMode: Indexed/);
    expect(emit.stdout).toMatch(/parallelism: 2/);
  }, 60_000);
});
