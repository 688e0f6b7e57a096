/**
 * The command lines of the scripts in scripts/ (scripts/script-args.ts), each run as a real process the
 * way a user types it: a mistake ends in one line naming it, the usage and exit code 2, before any work
 * starts (an unknown option to `npm run bench` used to start the whole half-hour run; to most scripts it
 * was a stack trace); --help prints the usage and exits 0.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/ganforge-process.ts';

interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runScript(script: string, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A script that started its work instead of refusing the option would run for minutes: stop it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Each script, and the name its messages start with. */
const SCRIPTS = [
  ['bench', 'bench'],
  ['bench-serve', 'bench-serve'],
  ['bench-serve-profile', 'bench-serve-profile'],
  ['bench-train', 'bench-train'],
  ['bench-web', 'bench-web'],
  ['bench-gemm-kernels', 'bench-gemm-kernels'],
  ['chaos', 'chaos'],
  ['fold-batch-norms', 'fold-batch-norms'],
  ['gpu/gpu-check', 'gpu-check'],
  ['probe-worker-handoff', 'probe-worker-handoff'],
  ['screenshots', 'screenshots'],
  ['train-evaluators', 'train-evaluators'],
] as const;

function expectUsageError(r: Ran, name: string, message: string): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const [first, ...rest] = r.stderr.trimEnd().split('\n');
  expect(first).toBe(`${name}: ${message}`);
  expect(rest[0]).toMatch(/^usage: /);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('scripts: command-line mistakes', () => {
  it('every script refuses an unknown option in one line, with its usage and exit code 2', async () => {
    const runs = await Promise.all(SCRIPTS.map(([script]) => runScript(script, ['--no-such-option'])));
    runs.forEach((r, i) => {
      const name = SCRIPTS[i]![1];
      expect(r.stderr.split('\n')[0], name).toMatch(
        new RegExp(`^${name}: Unknown option '--no-such-option'`),
      );
      expect(r.code, name).toBe(2);
      expect(r.stdout, name).toBe('');
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
    });
  }, 120_000);

  it('--help prints the usage to stdout and exits 0, without starting the work', async () => {
    const runs = await Promise.all(
      (['bench', 'bench-serve', 'chaos', 'fold-batch-norms'] as const).map((s) => runScript(s, ['--help'])),
    );
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^usage: /);
      expect(r.stderr).toBe('');
    }
    expect(runs[1]!.stdout).toContain('--inline-max-ms');
  }, 120_000);

  it('a value an option does not take is named with what it takes', async () => {
    const [duration, only, nice, rounds, backend, folders, naivePng] = await Promise.all([
      runScript('bench-serve', ['--duration', 'soon']),
      runScript('bench-serve', ['--only', '16:8:gif']),
      runScript('bench-serve', ['--worker-nice', '25']),
      runScript('bench-train', ['--rounds', '0']),
      runScript('train-evaluators', ['--backend', 'gpu']),
      runScript('fold-batch-norms', []),
      runScript('bench-serve-profile', ['--naive', '--format', 'png']),
    ]);
    expectUsageError(duration!, 'bench-serve', "--duration: expected a number above 0, got 'soon'");
    expectUsageError(
      only!,
      'bench-serve',
      "--only: '16:8:gif' is not n:connections[:format] (whole numbers from 1; format npy, png or v2)",
    );
    expectUsageError(nice!, 'bench-serve', "--worker-nice: expected a whole number from 0 to 19, got '25'");
    expectUsageError(rounds!, 'bench-train', "--rounds: expected a whole number from 1, got '0'");
    expectUsageError(backend!, 'train-evaluators', "--backend: expected wasm, cpu or auto, got 'gpu'");
    expectUsageError(folders!, 'fold-batch-norms', 'no model folder given');
    expectUsageError(
      naivePng!,
      'bench-serve-profile',
      '--naive: the naive server answers npy only, not --format png',
    );
  }, 120_000);
});
