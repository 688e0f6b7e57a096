/**
 * `ganforge triton` and `ganforge export --triton`: a Triton model repository from the shipped models/ folder and
 * from a fresh export, as real processes (the `ganforge` bin) and in-process through the CLI's main(); exit codes
 * and one-line errors on bad input. The package tests (packages/export/src/triton/) check every config field
 * against the ONNX graph and run the models in onnxruntime-node.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigPbtxt } from '@ganforge/export';
import { useCpu, writeFixtureRun } from '@ganforge/export/testing';
import type { FixtureRun } from '@ganforge/export/testing';
import { ganforgeInProcess } from './support/ganforge-in-process.ts';
import { ganforgeProcess, ROOT } from './support/ganforge-process.ts';

let root: string;
let run: FixtureRun;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ganforge-triton-cli-'));
  await useCpu();
  run = await writeFixtureRun({ step: 5 });
});
afterAll(() => {
  for (const dir of [root, run.root]) rmSync(dir, { recursive: true, force: true });
});

/** The `ganforge` bin as a user runs it, from the repository root. */
const ganforgeBin = (...args: string[]) => ganforgeProcess(args, 90_000);

const configOf = (repo: string, name: string) =>
  parseConfigPbtxt(readFileSync(join(repo, name, 'config.pbtxt'), 'utf8'));

describe('ganforge triton (the bin, a real process)', () => {
  it('writes <repo>/<model>/{config.pbtxt, 1/model.onnx} for each model in models/ and says how to start Triton; exit 0', () => {
    const repo = join(root, 'repo');
    const r = ganforgeBin('triton', 'models', '--out', repo, '--max-batch', '32');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const conditional = (name: string) =>
      `  ${name}/config.pbtxt + ${name}/1/model.onnx: latent TYPE_FP32 [N, 100], class TYPE_INT64 [N, 1] -> image TYPE_FP32 [N, 28, 28, 1], max_batch_size 32, dynamic batching`;
    expect(r.stdout).toBe(
      [
        `wrote a Triton model repository to ${repo}`,
        conditional('fashion-cdcgan'),
        conditional('mnist-cdcgan'),
        '  mnist-dcgan/config.pbtxt + mnist-dcgan/1/model.onnx: latent TYPE_FP32 [N, 100] -> image TYPE_FP32 [N, 28, 28, 1], max_batch_size 32, dynamic batching',
        `  serve it: tritonserver --model-repository=${repo}`,
        '',
      ].join('\n'),
    );
    expect(readdirSync(repo).sort()).toEqual(['fashion-cdcgan', 'mnist-cdcgan', 'mnist-dcgan']);
    expect(
      readFileSync(join(repo, 'mnist-dcgan', '1', 'model.onnx')).equals(
        readFileSync(join(ROOT, 'models', 'mnist-dcgan', 'model.onnx')),
      ),
    ).toBe(true);
    expect(configOf(repo, 'mnist-dcgan')).toEqual({
      name: 'mnist-dcgan',
      platform: 'onnxruntime_onnx',
      max_batch_size: 32,
      input: [{ name: 'latent', data_type: 'TYPE_FP32', dims: [100] }],
      output: [{ name: 'image', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
      dynamic_batching: { max_queue_delay_microseconds: 100 },
    });
  });

  it('a target that is not a Triton repository is one line on stderr and exit 1, and nothing is written', () => {
    const home = join(root, 'home');
    mkdirSync(home);
    writeFileSync(join(home, 'notes.txt'), '');
    const r = ganforgeBin('triton', 'models', '--out', home);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^ganforge: --out .*home exists and is not a Triton model repository \('notes\.txt' is not a model folder with config\.pbtxt or a version folder\) \(choose a new or empty --out folder\)\n$/,
    );
    expect(readdirSync(home)).toEqual(['notes.txt']);
  });
});

describe('ganforge triton (in-process): bad input', () => {
  it('bad options exit 2: --max-batch 0, --instances 0, an unknown --instance-kind, an invalid --model name', async () => {
    expect(
      (await ganforgeInProcess('triton', 'models', '--out', join(root, 'x'), '--instances', '0')).code,
    ).toBe(2);
    expect(
      (await ganforgeInProcess('triton', 'models', '--out', join(root, 'x'), '--max-batch', '0')).code,
    ).toBe(2);
    expect(
      (await ganforgeInProcess('triton', 'models', '--out', join(root, 'x'), '--instance-kind', 'tpu')).code,
    ).toBe(2);
    const name = await ganforgeInProcess(
      'triton',
      'models',
      '--out',
      join(root, 'x'),
      '--model',
      '../mnist-dcgan',
    );
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(/^ganforge: --model '\.\.\/mnist-dcgan' is not a valid model name/);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('bad inputs exit 1 with one line: a missing folder, an existing entry without --force, the models folder itself', async () => {
    const missing = await ganforgeInProcess('triton', join(root, 'no-models'), '--out', join(root, 'y'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ganforge: .*no-models does not exist \(pass a models folder .*\)\n$/);
    const repo = join(root, 'twice');
    expect((await ganforgeInProcess('triton', 'models', '--out', repo)).code).toBe(0);
    const again = await ganforgeInProcess('triton', 'models', '--out', repo);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /already has a model '(fashion-cdcgan|mnist-cdcgan|mnist-dcgan)' \(pass --force to replace it/,
    );
    expect((await ganforgeInProcess('triton', 'models', '--out', repo, '--force')).code).toBe(0);
    const into = await ganforgeInProcess('triton', 'models', '--out', 'models');
    expect(into.code).toBe(1);
    expect(into.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('ganforge export --triton', () => {
  it('exports the run and adds it to the Triton repository in the same command', async () => {
    const out = join(root, 'models', 'tiny');
    const repo = join(root, 'exported');
    const r = await ganforgeInProcess('export', run.runDir, '--out', out, '--no-check', '--triton', repo);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`exported generator 'tiny' to ${out}`);
    expect(r.stdout).toContain(`wrote a Triton model repository to ${repo}`);
    expect(
      readFileSync(join(repo, 'tiny', '1', 'model.onnx')).equals(readFileSync(join(out, 'model.onnx'))),
    ).toBe(true);
    expect(configOf(repo, 'tiny')).toMatchObject({
      name: 'tiny',
      max_batch_size: 64,
      input: [{ name: 'latent', data_type: 'TYPE_FP32', dims: [8] }],
      output: [{ name: 'image', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
    });
  });

  it('a --triton target that cannot take the model is refused before the export writes anything (exit 1)', async () => {
    const out = join(root, 'models', 'refused');
    const r = await ganforgeInProcess(
      'export',
      run.runDir,
      '--out',
      out,
      '--no-check',
      '--triton',
      join(root, 'home'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a Triton model repository');
    expect(existsSync(out)).toBe(false);
  });
});
