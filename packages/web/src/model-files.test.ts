import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isGanforgeError } from '@ganforge/core';
import { isValidModelName } from '@ganforge/core';
import { resolveModelFile } from './model-files.ts';

const root = mkdtempSync(join(tmpdir(), 'ganforge-web-models-'));
const models = join(root, 'models');
mkdirSync(join(models, 'mnist-dcgan'), { recursive: true });
writeFileSync(join(models, 'mnist-dcgan', 'model.onnx'), 'bytes');
writeFileSync(join(models, 'mnist-dcgan', 'card.json'), '{}');
mkdirSync(join(models, 'dir-only', 'model.onnx'), { recursive: true });
writeFileSync(join(root, 'secret.onnx'), 'outside');
mkdirSync(join(models, 'escape'));
symlinkSync(join(root, 'secret.onnx'), join(models, 'escape', 'model.onnx'));

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function statusOf(name: string, file: 'model.onnx' | 'card.json' = 'model.onnx'): Promise<number> {
  try {
    await resolveModelFile(models, name, file);
    return 200;
  } catch (e) {
    if (!isGanforgeError(e)) throw e;
    return e.status;
  }
}

describe('model file resolution', () => {
  it('accepts plain names and rejects anything that could leave the folder', () => {
    for (const ok of ['mnist-dcgan', 'a', 'Model_2.v1']) expect(isValidModelName(ok)).toBe(true);
    for (const bad of ['', '..', '../x', 'a/b', 'a\\b', '.hidden', 'a..b', '%2e%2e', 'x'.repeat(65), 'a b']) {
      expect(isValidModelName(bad), bad).toBe(false);
    }
  });

  it('resolves the two served files of an existing model', async () => {
    expect(await resolveModelFile(models, 'mnist-dcgan', 'model.onnx')).toMatch(
      /mnist-dcgan[/\\]model\.onnx$/,
    );
    expect(await statusOf('mnist-dcgan', 'card.json')).toBe(200);
  });

  it('answers 400 for a bad name and 404 for a missing model, a directory, or a symlink out of the folder', async () => {
    expect(await statusOf('../models/mnist-dcgan')).toBe(400);
    expect(await statusOf('nope')).toBe(404);
    expect(await statusOf('dir-only')).toBe(404);
    expect(await statusOf('escape')).toBe(404);
  });
});
