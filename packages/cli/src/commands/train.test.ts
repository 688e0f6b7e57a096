import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

/** `ganforge train` end to end, as a user runs it (a child process, real MNIST, cpu backend). */

const BIN = join(import.meta.dirname, '../../bin/ganforge.mjs');

function ganforge(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const TINY = [
  '--set',
  'name=cli-tiny',
  '--set',
  'dataset.limit=64',
  '--set',
  'batchSize=16',
  '--set',
  'steps=5',
  '--set',
  'generator={kind: mlp, hidden: [16]}',
  '--set',
  'discriminator={kind: mlp, hidden: [16]}',
  '--set',
  'logging={sampleEvery: 5, checkpointEvery: 5, gridSize: 2}',
];

/**
 * Starts `ganforge train <args>`, sends `signal` once it has printed a progress line (so it is training,
 * not still starting) and waits for it to exit.
 */
async function trainUntilSignal(
  signal: NodeJS.Signals,
  args: string[],
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, 'train', ...args]);
  let stdout = '';
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (/^step \d+\/\d+/m.test(stdout) && !child.killed) child.kill(signal);
  });
  return { code: await exited, stdout };
}

/** The step a signal stopped a run at (from its message) and its run directory, whose checkpoint it is. */
function interruptedRun(stdout: string, out: string): { step: number; run: string } {
  const match = /interrupted at step (\d+)\/\d+; checkpoint /.exec(stdout);
  expect(match).not.toBeNull();
  const step = Number(match?.[1]);
  const run = join(out, readdirSync(out)[0] as string);
  const name = `step-${String(step).padStart(6, '0')}`;
  expect(readFileSync(join(run, 'latest'), 'utf8').trim()).toBe(name);
  expect(existsSync(join(run, 'checkpoints', name, 'state.json'))).toBe(true);
  expect(existsSync(join(run, 'checkpoints', name, 'generator', 'model.json'))).toBe(true);
  expect(JSON.parse(readFileSync(join(run, 'meta.json'), 'utf8'))).toMatchObject({
    status: 'interrupted',
    finishedStep: step,
  });
  return { step, run };
}

describe('ganforge train', () => {
  test('trains a tiny config: backend line, progress lines, run directory', () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-cli-train-'));
    const r = ganforge(['train', ...TINY, '--backend', 'cpu', '--out', out]);
    expect(r.stderr).not.toContain('ganforge:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^backend: cpu \(tfjs cpu 4\.22\.0\), threads 1$/m);
    expect(r.stdout).toMatch(/^step 5\/5 epoch 1 \| D real \d/m);
    expect(r.stdout).toContain('done: 5 steps');
    const [run] = readdirSync(out);
    expect(run).toMatch(/^cli-tiny-\d{8}-\d{6}$/);
    expect(
      existsSync(join(out, run as string, 'checkpoints', 'step-000005', 'generator', 'model.json')),
    ).toBe(true);
    expect(existsSync(join(out, run as string, 'samples', 'step-000005.png'))).toBe(true);
  });

  test('--threads sets the wasm backend threads, printed and recorded in meta.json with where convolutions ran', () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-cli-threads-'));
    const r = ganforge([
      'train',
      ...TINY,
      '--set',
      'steps=1',
      '--backend',
      'wasm',
      '--threads',
      '2',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^backend: wasm \(tfjs wasm 4\.22\.0\), threads 2, simd on, convolutions and matmuls on onnxruntime-node 1\.30\.0, 2 threads$/m,
    );
    const [run] = readdirSync(out);
    const meta = JSON.parse(readFileSync(join(out, run as string, 'meta.json'), 'utf8')) as {
      backend: { threads: number; gemm: string };
    };
    expect(meta.backend.threads).toBe(2);
    expect(meta.backend.gemm).toBe('onnxruntime-node 1.30.0, 2 threads');
    expect(ganforge(['train', '--threads', '9', '--print-config']).code).toBe(2);
    const badEngine = ganforge(['train', '--wasm-gemm', 'mkl', '--print-config']);
    expect(badEngine.code).toBe(2);
    expect(badEngine.stderr).toMatch(/--wasm-gemm.*'mkl' is invalid.*onnxruntime, xnnpack/);
  });

  test('--print-config prints the resolved config with --set applied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-cli-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'name: from-file\nseed: 9\n');
    const r = ganforge(['train', '--config', file, '--set', 'optimizers.d.lr=4e-4', '--print-config']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^name: from-file$/m);
    expect(r.stdout).toMatch(/^seed: 9$/m);
    expect(r.stdout).toMatch(/^ {4}lr: 0\.0004$/m);
  });

  test('bad inputs: one line, exit 1 (config) or 2 (usage)', () => {
    const unknown = ganforge(['train', '--set', 'optimizer.d.lr=1', '--print-config']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain(
      '--set optimizer.d.lr=1: unknown field optimizer (did you mean optimizers?)',
    );
    const outOfRange = ganforge(['train', '--set', 'optimizers.d.lr=5', '--print-config']);
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('--set optimizers.d.lr=5: optimizers.d.lr:');
    expect(ganforge(['train', '--set', 'no-equals-sign', '--print-config']).code).toBe(2);
    // a typo in the config file is the file's (exit 1), even with a --set beside it
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-cli-typo-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'name: typo\nbatchsize: 32\n');
    const typo = ganforge(['train', '--config', file, '--set', 'seed=3', '--print-config']);
    expect(typo.code).toBe(1);
    expect(typo.stderr.trim().split('\n')).toHaveLength(1);
    expect(typo.stderr).toContain(`config file ${file}: unknown field batchsize (did you mean batchSize?)`);
    expect(typo.stderr).not.toContain('--set');
    const backend = ganforge(['train', '--backend', 'gpu']);
    expect(backend.code).toBe(2);
    const notRun = mkdtempSync(join(tmpdir(), 'ganforge-cli-notrun-'));
    const resume = ganforge(['train', '--resume', notRun]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toContain('is neither a ganforge run directory nor a checkpoint');
    const both = ganforge(['train', '--resume', notRun, '--config', 'configs/dcgan-mnist.yaml']);
    expect(both.code).toBe(2);
  });

  /** A 120-step tiny run that only checkpoints when stopped, stopped by `signal` partway. */
  async function stoppedRun(signal: 'SIGINT' | 'SIGTERM') {
    const out = mkdtempSync(join(tmpdir(), `ganforge-cli-${signal.toLowerCase()}-`));
    const args = [...TINY, '--set', 'steps=120', '--set', 'logging.checkpointEvery=0'];
    const stopped = await trainUntilSignal(signal, [
      ...args,
      '--backend',
      'cpu',
      '--out',
      out,
      '--progress',
      'lines',
    ]);
    return { out, args, stopped };
  }

  test('Ctrl-C writes a checkpoint, says how to resume and exits 130; --resume finishes the run', async () => {
    const { out, args, stopped } = await stoppedRun('SIGINT');
    expect(stopped.code).toBe(130);
    const { step, run } = interruptedRun(stopped.stdout, out);
    expect(stopped.stdout).toContain(`resume with: ganforge train --resume`);
    const frozen = ganforge(['train', '--resume', run, '--set', 'generator.hidden=[8]']);
    expect(frozen.code).toBe(2);
    expect(frozen.stderr).toContain('--set generator.hidden cannot change a resumed run');
    const resumed = ganforge([
      'train',
      '--resume',
      run,
      '--progress',
      'lines',
      '--set',
      'optimizers.d.lr=0.0001',
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`from step ${step} of 120`);
    expect(resumed.stdout).toContain('done: 120 steps');
    // Both command lines are kept (they go into the model card on export).
    const meta = JSON.parse(readFileSync(join(run, 'meta.json'), 'utf8')) as {
      command?: string;
      resumes: { command?: string }[];
    };
    expect(meta.command).toBe(
      `ganforge train ${args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ')} --backend cpu --out ${out} --progress lines`,
    );
    expect(meta.resumes.map((r) => r.command)).toEqual([
      `ganforge train --resume ${run} --progress lines --set optimizers.d.lr=0.0001`,
    ]);
  });

  test('SIGTERM (kill, a service manager) also writes a checkpoint and exits 143; --resume finishes the run', async () => {
    const { out, stopped } = await stoppedRun('SIGTERM');
    expect(stopped.code).toBe(143);
    const { step, run } = interruptedRun(stopped.stdout, out);
    expect(step).toBeLessThan(120);
    const resumed = ganforge(['train', '--resume', run, '--progress', 'lines']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`from step ${step} of 120`);
    expect(resumed.stdout).toContain('done: 120 steps');
  });

  test('--profile times steps of the config, ranks their kernels, and writes no run', () => {
    const out = mkdtempSync(join(tmpdir(), 'ganforge-cli-profile-'));
    const r = ganforge(['train', ...TINY, '--backend', 'cpu', '--out', out, '--profile', '2']);
    expect(r.stderr).not.toContain('ganforge:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[\d.]+ ms\/step, \d+ images\/s \(mean of 2 steps after warm-up\)$/m);
    expect(r.stdout).toMatch(/^a step: [\d.]+ kernels, [\d.]+ ms inside them, [\d.]+ ms outside/m);
    // A tiny MLP step is matmuls: one of them is among the ranked kernels, with its call count and share.
    expect(r.stdout).toMatch(/^(_FusedMatMul|BatchMatMul) +[\d.]+ +[\d.]+ +[\d.]+%/m);
    expect(readdirSync(out)).toEqual([]);
    const resume = ganforge(['train', '--resume', out, '--profile']);
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('--profile measures a config');
  });
});
