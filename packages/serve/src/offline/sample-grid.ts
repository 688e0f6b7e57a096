import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GanforgeError, parseModelCard, sampleLatents } from '@ganforge/core';
import { defaultClasses } from '../http/classes.ts';
import { encodeGrid } from '../render/images.ts';
import { encodeNpy } from '../render/npy.ts';

export interface SampleGridOptions {
  /** A model directory: model.onnx + card.json. */
  readonly modelDir: string;
  readonly seed: number;
  readonly n: number;
  readonly truncation?: number;
  readonly columns?: number;
  readonly padding?: number;
  /** Output file: .png, .webp or .npy (float32 NHWC). */
  readonly out: string;
}

/**
 * Offline sampling: the same latents as the server and the browser for (seed, n), run in this
 * process with onnxruntime-node (CPU), written atomically to `out`.
 */
export async function sampleGrid(o: SampleGridOptions): Promise<{ out: string; bytes: number; n: number }> {
  const ext = extname(o.out).toLowerCase();
  if (ext !== '.png' && ext !== '.webp' && ext !== '.npy') {
    throw new GanforgeError('usage', `cannot write '${o.out}': the output must end in .png, .webp or .npy`);
  }
  const cardPath = join(o.modelDir, 'card.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(cardPath, 'utf8'));
  } catch (e) {
    throw new GanforgeError(
      'bad_card',
      `cannot read ${cardPath}: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 'pass a model directory holding model.onnx and card.json (e.g. models/mnist-dcgan)',
      },
    );
  }
  const card = parseModelCard(json, cardPath);
  const onnxPath = join(o.modelDir, 'model.onnx');
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'] });
  } catch (e) {
    throw new GanforgeError(
      'model_load_failed',
      `cannot load ${onnxPath}: ${e instanceof Error ? e.message : String(e)}`,
      {
        hint: 're-export the model with `ganforge export`',
      },
    );
  }
  try {
    const d = card.latent.size;
    const latents = sampleLatents({
      seed: o.seed,
      n: o.n,
      latentDim: d,
      distribution: card.latent.distribution,
      ...(o.truncation !== undefined ? { truncation: o.truncation } : {}),
    });
    const feeds: Record<string, ort.Tensor> = {
      [card.onnx.inputName]: new ort.Tensor('float32', latents, [o.n, d]),
    };
    // A class-conditional model: sample i is class i mod K, the server's default (http/classes.ts).
    if (card.conditioning) {
      const ids = defaultClasses(o.n, card.conditioning.classes.length);
      feeds[card.conditioning.input] = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [o.n]);
    }
    const out = await session.run(feeds);
    const image = out[card.onnx.outputName];
    if (!image)
      throw new GanforgeError('model_mismatch', `model.onnx has no output '${card.onnx.outputName}'`);
    const data = image.data as Float32Array;
    const { height, width, channels } = card.output;
    const bytes =
      ext === '.npy'
        ? encodeNpy(data, [o.n, height, width, channels])
        : await encodeGrid({ data, n: o.n, height, width, channels }, ext === '.png' ? 'png' : 'webp', {
            ...(o.columns !== undefined ? { columns: o.columns } : {}),
            padding: o.padding ?? 2,
          });
    const tmp = join(dirname(o.out), `.${process.pid}.${Date.now()}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, o.out);
    return { out: o.out, bytes: bytes.length, n: o.n };
  } finally {
    await session.release();
  }
}
