import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GanforgeError, parseModelCard, sampleLatents } from '@ganforge/core';
import type { ModelCard } from '@ganforge/core';
import { balancedClasses } from './samples.ts';
import type { GeneratedSamples } from './samples.ts';

export const MODEL_FILE = 'model.onnx';
export const CARD_FILE = 'card.json';

/** An exported model folder: model.onnx + card.json (as written by `ganforge export`). */
export function isModelDir(dir: string): boolean {
  return existsSync(join(dir, MODEL_FILE)) && existsSync(join(dir, CARD_FILE));
}

export function readModelCard(dir: string): ModelCard {
  const file = join(dir, CARD_FILE);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GanforgeError('bad_model_card', `cannot read ${file}: ${(e as Error).message}`, {
      hint: 'regenerate the model folder with `ganforge export`',
    });
  }
  return parseModelCard(json, file);
}

/**
 * n images from an exported generator, run in onnxruntime-node on latents from core's sampleLatents
 * (the same z any other ganforge runtime draws for this seed). A class-conditional model (card.json
 * `conditioning`) gets balancedClasses(n, classes) on its class input (int64 [N]).
 */
export async function sampleModelDir(
  dir: string,
  n: number,
  seed: number,
  opts: { batchSize?: number; truncation?: number } = {},
): Promise<GeneratedSamples> {
  const batchSize = opts.batchSize ?? 250;
  const card = readModelCard(dir);
  if (card.network !== 'generator') {
    throw new GanforgeError('not_a_generator', `${dir} holds a ${card.network}, not a generator`, {
      hint: 'evaluate a generator export (ganforge export --network generator)',
    });
  }
  const session = await ort.InferenceSession.create(join(dir, MODEL_FILE), { intraOpNumThreads: 1 });
  const latentDim = card.latent.size;
  const { height, width, channels } = card.output;
  const per = height * width * channels;
  const z = sampleLatents({
    seed,
    n,
    latentDim,
    distribution: card.latent.distribution,
    ...(opts.truncation !== undefined ? { truncation: opts.truncation } : {}),
  });
  const classes = card.conditioning;
  const labels = classes === undefined ? undefined : balancedClasses(n, classes.classes.length);
  const images = new Float32Array(n * per);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const b = Math.min(batchSize, n - start);
      const input = new ort.Tensor('float32', z.subarray(start * latentDim, (start + b) * latentDim), [
        b,
        latentDim,
      ]);
      const feeds: Record<string, ort.Tensor> = { [card.onnx.inputName]: input };
      if (classes !== undefined && labels !== undefined) {
        const ids = BigInt64Array.from(labels.subarray(start, start + b), (c) => BigInt(c));
        feeds[classes.input] = new ort.Tensor('int64', ids, [b]);
      }
      const out = await session.run(feeds);
      const data = out[card.onnx.outputName]?.data as Float32Array | undefined;
      if (!data || data.length !== b * per) {
        throw new GanforgeError(
          'shape_mismatch',
          `${join(dir, MODEL_FILE)} output '${card.onnx.outputName}' has ${data?.length ?? 0} values for ${b} latents; its card says ${height}x${width}x${channels} images`,
          { hint: 'the model and its card disagree: re-export the model' },
        );
      }
      images.set(data, start * per);
    }
  } finally {
    await session.release();
  }
  return {
    images,
    n,
    imageShape: { height, width, channels },
    source: { kind: 'model', path: dir, name: card.name, dataset: card.dataset.name },
    ...(classes !== undefined && labels !== undefined
      ? { conditioning: { numClasses: classes.classes.length, classNames: classes.classes, labels } }
      : {}),
  };
}

/** Replaces card.json's `evaluation` with the given one, atomically (temp file in the same folder, then rename). */
export function writeCardEvaluation(
  dir: string,
  evaluation: { metrics: Record<string, number>; protocol: Record<string, unknown> },
): ModelCard {
  const card = parseModelCard({ ...readModelCard(dir), evaluation }, join(dir, CARD_FILE));
  const file = join(dir, CARD_FILE);
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, `${JSON.stringify(card, null, 2)}\n`, { mode: statSync(file).mode });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  return card;
}
