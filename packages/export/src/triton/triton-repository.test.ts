import { cp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LoadedNetwork } from '../export-model.ts';
import { exportNetwork } from '../export-model.ts';
import type { ValueInfoProto } from '../onnx/proto.ts';
import { decodeModel, onnx } from '../onnx/proto.ts';
import { mlpGenerator } from '../testing/layouts.ts';
import { randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { rejection } from '../testing/expected-errors.ts';
import { tempDirs } from '../testing/workdirs.ts';
import { parseConfigPbtxt } from './model-config-proto.ts';
import { writeTritonRepository } from './run-triton.ts';

/** The repository's shipped models folder: mnist-dcgan, and evaluators/ (classifiers, not served models). */
const MODELS = fileURLToPath(new URL('../../../../models', import.meta.url));

const workdir = tempDirs('ganforge-triton-');
beforeAll(useCpu);

const TRITON_TYPE: Record<number, string> = { [onnx.TensorProto.DataType.FLOAT]: 'TYPE_FP32' };

/** A graph tensor as the config must describe it, read straight from the ONNX bytes with onnx-proto. */
function expectedTensor(info: ValueInfoProto): { name: string; data_type: string; dims: number[] } {
  const [batch, ...rest] = info.type?.tensorType?.shape?.dim ?? [];
  expect(batch?.dimParam, `${info.name}: dynamic batch dimension`).toBeTruthy();
  return {
    name: info.name ?? '',
    data_type: TRITON_TYPE[info.type?.tensorType?.elemType ?? 0] ?? '?',
    dims: rest.map((d) => Number(d.dimValue)),
  };
}

/** Parses <repo>/<name>/config.pbtxt against model_config.proto and checks it field by field against the ONNX graph. */
async function expectConfigMatchesGraph(repo: string, name: string, maxBatch: number): Promise<void> {
  const config = parseConfigPbtxt(await readFile(join(repo, name, 'config.pbtxt'), 'utf8'));
  const graph = decodeModel(await readFile(join(repo, name, '1', 'model.onnx'))).graph;
  const weights = new Set(graph?.initializer?.map((t) => t.name));
  expect(config).toEqual({
    name,
    platform: 'onnxruntime_onnx',
    max_batch_size: maxBatch,
    input: (graph?.input ?? []).filter((i) => !weights.has(i.name)).map(expectedTensor),
    output: (graph?.output ?? []).map(expectedTensor),
    dynamic_batching: { max_queue_delay_microseconds: 100 },
  });
}

/** Runs one batch through a model file in onnxruntime-node (CPU), from its path on disk. */
async function run(path: string, input: Float32Array, dims: number[]): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'] });
  try {
    const inputName = session.inputNames[0] ?? '';
    const outputName = session.outputNames[0] ?? '';
    const out = (await session.run({ [inputName]: new ort.Tensor('float32', input, dims) }))[outputName];
    if (!out) throw new Error(`no output ${outputName}`);
    return out;
  } finally {
    await session.release();
  }
}

describe('ganforge triton: the shipped models/ folder', () => {
  let repo: string;
  beforeAll(async () => {
    repo = join(await workdir(), 'triton');
    await writeTritonRepository(MODELS, { out: repo });
  });

  it('writes <repo>/<model>/config.pbtxt and 1/model.onnx for each shipped generator, nothing else (evaluators/ is skipped)', async () => {
    const shipped = ['fashion-cdcgan', 'mnist-cdcgan', 'mnist-dcgan'];
    expect((await readdir(repo)).sort()).toEqual(shipped);
    for (const name of shipped) {
      expect((await readdir(join(repo, name))).sort()).toEqual(['1', 'config.pbtxt']);
      expect(await readdir(join(repo, name, '1'))).toEqual(['model.onnx']);
      const copied = await readFile(join(repo, name, '1', 'model.onnx'));
      expect(copied.equals(await readFile(join(MODELS, name, 'model.onnx')))).toBe(true);
    }
  });

  it("a shipped conditional generator's config names its class input: INT64 dims [1] reshaped to the graph's [N]", async () => {
    const text = await readFile(join(repo, 'mnist-cdcgan', 'config.pbtxt'), 'utf8');
    expect(text).toMatch(/name: "class"[^}]*reshape: \{ shape: \[\s*\] \}/);
    const config = parseConfigPbtxt(text);
    expect(config).toMatchObject({
      input: [
        { name: 'latent', data_type: 'TYPE_FP32', dims: [100] },
        // `reshape: { shape: [ ] }` in the text (to a scalar per row); parsed, an empty repeated field is absent.
        { name: 'class', data_type: 'TYPE_INT64', dims: [1], reshape: {} },
      ],
      output: [{ name: 'image', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
    });
  });

  it('config.pbtxt parses against model_config.proto and matches the ONNX graph: names, types, dims without N, max_batch_size 64, dynamic_batching', async () => {
    await expectConfigMatchesGraph(repo, 'mnist-dcgan', 64);
    const config = parseConfigPbtxt(await readFile(join(repo, 'mnist-dcgan', 'config.pbtxt'), 'utf8'));
    expect(config).toMatchObject({
      input: [{ name: 'latent', data_type: 'TYPE_FP32', dims: [100] }],
      output: [{ name: 'image', data_type: 'TYPE_FP32', dims: [28, 28, 1] }],
    });
  });

  it('onnxruntime-node runs the model from the repository path; a batch of latents gives the same images as models/mnist-dcgan', async () => {
    const config = parseConfigPbtxt(await readFile(join(repo, 'mnist-dcgan', 'config.pbtxt'), 'utf8'));
    const maxBatch = config.max_batch_size as number;
    for (const n of [1, 5, maxBatch]) {
      const latents = sampleLatents({ seed: n, n, latentDim: 100, distribution: 'uniform' });
      const fromRepo = await run(join(repo, 'mnist-dcgan', '1', 'model.onnx'), latents, [n, 100]);
      const original = await run(join(MODELS, 'mnist-dcgan', 'model.onnx'), latents, [n, 100]);
      // The config's output dims are the tensor's shape after the batch dimension.
      expect(fromRepo.dims).toEqual([n, 28, 28, 1]);
      expect(fromRepo.data).toEqual(original.data);
    }
  });
});

const provenance = {
  latent: { size: 5, distribution: 'normal' as const },
  dataset: { name: 'mnist', split: 'train', size: 60000 },
  training: {
    config: { generator: { kind: 'mlp' } },
    stepsTrained: 10,
    backend: { name: 'cpu', version: '4.22.0', threads: 1 },
    seed: 1,
  },
};

/** A tiny generator (latent 5 -> 6x6x1) or discriminator (6x6x1 -> 1) exported to <models>/<name>. */
async function exportTiny(
  models: string,
  name: string,
  network: 'generator' | 'discriminator',
  serving?: { maxBatch: number },
): Promise<void> {
  const model =
    network === 'generator'
      ? mlpGenerator({ hidden: [4] })
      : tfl.sequential({
          layers: [tfl.layers.flatten({ inputShape: [6, 6, 1] }), tfl.layers.dense({ units: 1 })],
        });
  randomizeWeights(model, { seed: 2 });
  const loaded: LoadedNetwork = { model, network, provenance };
  await exportNetwork(loaded, { out: join(models, name), check: false });
  if (serving) {
    const cardPath = join(models, name, 'card.json');
    const card = parseModelCard(JSON.parse(await readFile(cardPath, 'utf8')));
    await writeFile(cardPath, JSON.stringify({ ...card, serving }));
  }
}

describe('ganforge triton: a models folder of several models', () => {
  let models: string;
  let root: string;
  beforeAll(async () => {
    root = await workdir();
    models = join(root, 'models');
    await cp(join(MODELS, 'mnist-dcgan'), join(models, 'mnist-dcgan'), { recursive: true });
    await exportTiny(models, 'tiny-g', 'generator', { maxBatch: 16 });
    await exportTiny(models, 'tiny-d', 'discriminator');
    // Not models: a folder without model files, a hidden export in progress, evaluator classifiers.
    await mkdir(join(models, 'notes'));
    await mkdir(join(models, '.tiny-g.tmp-1-abc'));
    await writeFile(join(models, '.tiny-g.tmp-1-abc', 'model.onnx'), 'partial');
    await cp(join(MODELS, 'evaluators', 'mnist'), join(models, 'evaluators', 'mnist'), { recursive: true });
  });

  it("writes one entry per model; max_batch_size is the card's serving.maxBatch where it has one, else 64", async () => {
    const repo = join(root, 'all');
    const result = await writeTritonRepository(models, { out: repo });
    expect(result.entries.map((e) => e.name)).toEqual(['mnist-dcgan', 'tiny-d', 'tiny-g']);
    expect((await readdir(repo)).sort()).toEqual(['mnist-dcgan', 'tiny-d', 'tiny-g']);
    await expectConfigMatchesGraph(repo, 'mnist-dcgan', 64);
    await expectConfigMatchesGraph(repo, 'tiny-d', 64);
    await expectConfigMatchesGraph(repo, 'tiny-g', 16);
    const d = parseConfigPbtxt(await readFile(join(repo, 'tiny-d', 'config.pbtxt'), 'utf8'));
    expect(d).toMatchObject({
      input: [{ name: 'image', dims: [6, 6, 1] }],
      output: [{ name: 'logit', dims: [1] }],
    });
    const g = parseConfigPbtxt(await readFile(join(repo, 'tiny-g', 'config.pbtxt'), 'utf8'));
    expect(g).toMatchObject({
      input: [{ name: 'latent', dims: [5] }],
      output: [{ name: 'image', dims: [6, 6, 1] }],
    });
    for (const name of ['tiny-g', 'tiny-d']) {
      const dims = name === 'tiny-g' ? [3, 5] : [3, 6, 6, 1];
      const input = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i));
      const fromRepo = await run(join(repo, name, '1', 'model.onnx'), input, dims);
      expect(fromRepo.data).toEqual((await run(join(models, name, 'model.onnx'), input, dims)).data);
    }
  });

  it('--max-batch sets max_batch_size, never above the card; --model picks models; instance_group is optional', async () => {
    const repo = join(root, 'picked');
    const result = await writeTritonRepository(models, {
      out: repo,
      models: ['tiny-g', 'mnist-dcgan'],
      maxBatch: 32,
      queueDelayUs: 0,
      instances: { count: 2, kind: 'KIND_CPU' },
    });
    expect(result.entries.map((e) => [e.name, e.config.max_batch_size, e.maxBatchSource])).toEqual([
      ['mnist-dcgan', 32, 'option'],
      ['tiny-g', 16, 'option capped by card'],
    ]);
    expect((await readdir(repo)).sort()).toEqual(['mnist-dcgan', 'tiny-g']);
    const config = parseConfigPbtxt(await readFile(join(repo, 'mnist-dcgan', 'config.pbtxt'), 'utf8'));
    expect(config).toMatchObject({
      max_batch_size: 32,
      dynamic_batching: { max_queue_delay_microseconds: 0 },
      instance_group: [{ count: 2, kind: 'KIND_CPU' }],
    });
  });

  it('one model folder is a source too; re-writing needs --force, which replaces only what ganforge wrote', async () => {
    const repo = join(root, 'single');
    await writeTritonRepository(join(models, 'tiny-g'), { out: repo });
    expect(await readdir(repo)).toEqual(['tiny-g']);
    const again = await rejection(writeTritonRepository(join(models, 'tiny-g'), { out: repo }));
    expect(again.code).toBe('triton_exists');
    expect(again.toLine()).toContain('pass --force to replace it');
    await writeTritonRepository(join(models, 'tiny-g'), { out: repo, force: true, maxBatch: 4 });
    expect(
      parseConfigPbtxt(await readFile(join(repo, 'tiny-g', 'config.pbtxt'), 'utf8')).max_batch_size,
    ).toBe(4);
    expect((await readdir(repo)).filter((e) => e.startsWith('.'))).toEqual([]);
    await mkdir(join(repo, 'tiny-g', '2'));
    const foreign = await rejection(
      writeTritonRepository(join(models, 'tiny-g'), { out: repo, force: true }),
    );
    expect(foreign.message).toMatch(
      /holds files ganforge did not write \(2\); --force only replaces config\.pbtxt and 1\/model\.onnx/,
    );
  });
});
