/**
 * A real class-conditional generator for the browser tests: a tiny conditional MLP GAN trained for a few
 * steps by @ganforge/train on MNIST (classes "0".."9") and exported by @ganforge/export, as
 * test/conditional-pipeline.test.ts does; its model.onnx takes `latent` float32 [N, latentDim] and `class`
 * int64 [N]. 20 steps at lr 0.005 (about 2 s) rather than 6 at the default lr: the images then span most of
 * 0..255 and two classes differ by tens of levels, so a pixel comparison within 1 level can tell classes
 * apart (after 6 steps every pixel is within a few levels of gray). Plus onnxruntime-node running that
 * file: the reference the browser must match.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModelCard, type ModelCard } from '@ganforge/core';
import { runExport } from '@ganforge/export';
import { parseTrainConfig, train } from '@ganforge/train';
import { TINY_CONDITIONAL_MLP } from '@ganforge/train/testing';

/** Trains and exports the model into `<modelsDir>/<name>/`; returns that folder and its card. */
export async function writeConditionalModel(
  modelsDir: string,
  name: string,
): Promise<{ dir: string; card: ModelCard }> {
  const work = mkdtempSync(join(tmpdir(), 'ganforge-web-cond-'));
  try {
    const config = parseTrainConfig({
      ...TINY_CONDITIONAL_MLP,
      // 20 steps at a high rate: after 6, every pixel is within a few levels of gray and classes look alike.
      steps: 20,
      optimizers: { g: { lr: 0.005 }, d: { lr: 0.005 } },
      logging: { sampleEvery: 20, checkpointEvery: 20, gridSize: 4 },
    });
    const { runDir } = await train({ config, out: work });
    const dir = join(modelsDir, name);
    await runExport(runDir, {
      out: dir,
      opset: 13,
      check: false,
      tolerance: 1e-4,
      network: 'g',
      force: true,
    });
    const card = parseModelCard(JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')));
    return { dir, card };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `model.onnx` of `dir` in onnxruntime-node: latents (n rows) and one class id per row -> NHWC images. */
export async function runInOrtNode(
  dir: string,
  latents: Float32Array,
  classes: readonly number[],
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'));
  try {
    const n = classes.length;
    const out = await session.run({
      latent: new ort.Tensor('float32', latents, [n, latents.length / n]),
      class: new ort.Tensor(
        'int64',
        BigInt64Array.from(classes, (c) => BigInt(c)),
        [n],
      ),
    });
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}
