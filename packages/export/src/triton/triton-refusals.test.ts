import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValueInfoProto } from '../onnx/proto.ts';
import { decodeModel, encodeModel } from '../onnx/proto.ts';
import { rejection } from '../testing/expected-errors.ts';
import { tempDirs } from '../testing/workdirs.ts';
import { writeTritonRepository } from './run-triton.ts';

// What `ganforge triton` refuses, each time before writing anything: the error's code, its one line and its hint.

const MODELS = fileURLToPath(new URL('../../../../models', import.meta.url));

const workdir = tempDirs('ganforge-triton-refusals-');

describe('ganforge triton refuses, before writing anything', () => {
  let root: string;
  beforeAll(async () => {
    root = await workdir();
  });

  let count = 0;
  async function modelsWith(name: string, edit?: (graph: { input?: ValueInfoProto[] | null }) => void) {
    const models = join(root, `models-${(count += 1)}`);
    await mkdir(models, { recursive: true });
    await cp(join(MODELS, 'mnist-dcgan', 'card.json'), join(models, name, 'card.json'));
    const model = decodeModel(await readFile(join(MODELS, 'mnist-dcgan', 'model.onnx')));
    if (edit && model.graph) edit(model.graph);
    await writeFile(join(models, name, 'model.onnx'), encodeModel(model));
    return models;
  }

  it('a graph without a dynamic batch dimension', async () => {
    const models = await modelsWith('fixed', (g) => {
      const dim = g.input?.[0]?.type?.tensorType?.shape?.dim?.[0];
      if (dim) Object.assign(dim, { dimParam: '', dimValue: 8 });
    });
    const e = await rejection(writeTritonRepository(models, { out: join(root, 'r1') }));
    expect(e.code).toBe('triton_no_batch_dim');
    expect(e.toLine()).toContain(
      "'latent' has shape [8, 100], whose first dimension is not a dynamic batch dimension",
    );
    expect(e.hint).toContain('ganforge export');
    expect(await readdir(root)).not.toContain('r1');
  });

  it('a model folder whose name breaks the model-name rule, and a card naming tensors the graph lacks', async () => {
    const bad = await rejection(
      writeTritonRepository(await modelsWith('bad name'), { out: join(root, 'r2') }),
    );
    expect(bad.code).toBe('triton_bad_name');
    const renamed = await modelsWith('renamed', (g) => {
      if (g.input?.[0]) g.input[0].name = 'z';
    });
    const mismatch = await rejection(writeTritonRepository(renamed, { out: join(root, 'r2') }));
    expect(mismatch.code).toBe('triton_card_mismatch');
    expect(await readdir(root)).not.toContain('r2');
  });

  it('a target that exists and is not a Triton repository, or lies inside the models folder', async () => {
    const models = await modelsWith('ok');
    const notRepo = join(root, 'home');
    await mkdir(join(notRepo, 'photos'), { recursive: true });
    await writeFile(join(notRepo, 'photos', 'cat.jpg'), '');
    const e = await rejection(writeTritonRepository(models, { out: notRepo }));
    expect(e.code).toBe('triton_not_a_repository');
    expect(e.message).toContain("'photos' is not a model folder");
    expect(await readdir(notRepo)).toEqual(['photos']);
    const file = join(root, 'a-file');
    await writeFile(file, '');
    expect((await rejection(writeTritonRepository(models, { out: file }))).code).toBe(
      'triton_not_a_repository',
    );
    expect((await rejection(writeTritonRepository(models, { out: models }))).code).toBe(
      'triton_repo_in_models',
    );
    const inside = await rejection(writeTritonRepository(models, { out: join(models, 'triton') }));
    expect(inside.code).toBe('triton_repo_in_models');
  });

  it('an empty or missing models folder, an unknown --model and an invalid --model name', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect((await rejection(writeTritonRepository(empty, { out: join(root, 'r3') }))).code).toBe(
      'triton_no_models',
    );
    const missing = await rejection(writeTritonRepository(join(root, 'nope'), { out: join(root, 'r3') }));
    expect(missing.message).toMatch(/nope does not exist$/);
    const models = await modelsWith('ok');
    const unknown = await rejection(
      writeTritonRepository(models, { out: join(root, 'r3'), models: ['other'] }),
    );
    expect(unknown.toLine()).toMatch(/has no model 'other' \(its models: ok\)$/);
    const invalid = await rejection(
      writeTritonRepository(models, { out: join(root, 'r3'), models: ['../ok'] }),
    );
    expect(invalid.usage).toBe(true);
    expect(await readdir(root)).not.toContain('r3');
  });
});
