import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { tinyMnistMlp, useFakeRun } from '@ganforge/train/testing';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../../..');
const BIN = join(ROOT, 'packages/cli/bin/ganforge.mjs');
const { tmp, runDir } = useFakeRun({ prefix: 'cli-report', steps: 300, onset: 150 });

test('ganforge report <run> writes <run>/report/index.html and says so', async () => {
  // the fake run has no checkpoint; its latent-walk/ frames are used ('auto')
  const { stdout } = await run(process.execPath, [BIN, 'report', runDir], { cwd: ROOT });
  expect(stdout).toMatch(
    /^wrote .*report\/index\.html \(300 steps, 1 detector event, 7 PNG\/GIF files beside it, latent walk of 8 frames\)\n$/,
  );
  const html = readFileSync(join(runDir, 'report', 'index.html'), 'utf8');
  expect(html).toContain('discriminatorOverpowering');
  expect(existsSync(join(runDir, 'report', 'latent-walk.gif'))).toBe(true);
  const none = await run(
    process.execPath,
    [BIN, 'report', runDir, '--latent-walk', 'none', '--out', join(tmp, 'r2')],
    {
      cwd: ROOT,
    },
  );
  expect(none.stdout).toMatch(/6 PNG\/GIF files/);
  expect(readFileSync(join(tmp, 'r2', 'index.html'), 'utf8')).toContain('No latent-walk frames');
});

test('--latent-walk auto renders the walk from the latest checkpoint of a real run', async () => {
  const { parseTrainConfig, train } = await import('@ganforge/train');
  const config = parseTrainConfig({
    name: 'walk',
    ...tinyMnistMlp({ limit: 128, batchSize: 32, hidden: 16 }),
    steps: 8,
    logging: { sampleEvery: 4, checkpointEvery: 0, gridSize: 2 },
  });
  const real = await train({ config, out: tmp });
  const { stdout } = await run(process.execPath, [BIN, 'report', real.runDir, '--walk-frames', '4'], {
    cwd: ROOT,
  });
  expect(stdout).toMatch(
    /\(8 steps, 0 detector events, 7 PNG\/GIF files beside it, latent walk of 4 frames\)/,
  );
  expect(
    readFileSync(join(real.runDir, 'report', 'latent-walk.gif'))
      .subarray(0, 6)
      .toString(),
  ).toBe('GIF89a');
});

test('bad input: not a run -> one line, exit 1; bad --samples -> exit 2', async () => {
  const notRun = await run(process.execPath, [BIN, 'report', tmp], { cwd: ROOT }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  expect(notRun).toMatchObject({ code: 1 });
  expect((notRun as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
  expect((notRun as { stderr: string }).stderr).toMatch(/not a ganforge run directory/);
  const bad = await run(process.execPath, [BIN, 'report', runDir, '--samples', '0'], { cwd: ROOT }).catch(
    (e: { code: number }) => e,
  );
  expect(bad).toMatchObject({ code: 2 });
  const noFrames = await run(process.execPath, [BIN, 'report', runDir, '--latent-walk', join(tmp, 'none')], {
    cwd: ROOT,
  }).catch((e: { code: number; stderr: string }) => e);
  expect(noFrames).toMatchObject({ code: 1 });
  expect((noFrames as { stderr: string }).stderr).toMatch(/latent-walk folder .* does not exist/);
});
