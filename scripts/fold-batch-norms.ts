// Batch-norm folding for generators exported before `ganforge export` did it (packages/export/src/onnx/
// fold-batch-norm.ts): each BatchNormalization written into the Gemm or convolution before it, the same values
// to float32 rounding, a faster graph in every runtime.
//   node --import tsx scripts/fold-batch-norms.ts models/mnist-dcgan [models/<name> ...]
// Each folded graph runs beside the original on onnxruntime-node (64 latents from the card's distribution, and
// class ids for a class-conditional model) and replaces model.onnx (temp file + rename) only if the two agree
// within the export's parity tolerance, and prints how much faster it runs. A model with nothing to fold is left as
// it is.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModelCard, sampleLatents } from '@ganforge/core';
import {
  decodeModel,
  DEFAULT_TOLERANCE,
  encodeModel,
  feedsOf,
  foldBatchNorms,
  maxAbsDiff,
  runOrtNode,
  type OrtRunRequest,
} from '@ganforge/export';
import { parseScriptArgs, usageError } from './script-args.ts';

/**
 * The folded graph's run time over the original's at a few batch sizes (two intra-op threads, as the server's
 * inline session and the naive server have here): the median of 9 rounds, the two sessions alternating, so a
 * change in the machine's load falls on both.
 */
async function speedRatios(
  original: Uint8Array,
  folded: Uint8Array,
  requestFor: (n: number) => OrtRunRequest,
): Promise<string> {
  const options = { intraOpNumThreads: 2, interOpNumThreads: 1 };
  const sessions = [
    await ort.InferenceSession.create(original, options),
    await ort.InferenceSession.create(folded, options),
  ] as const;
  const out: string[] = [];
  try {
    for (const n of [1, 16, 64]) {
      const feeds = feedsOf(ort.Tensor, requestFor(n));
      const reps = Math.max(4, Math.round(128 / n));
      const time = async (s: ort.InferenceSession) => {
        const t = performance.now();
        for (let i = 0; i < reps; i++) await s.run(feeds);
        return (performance.now() - t) / reps;
      };
      for (const s of sessions) await time(s); // warm-up
      const ratios: number[] = [];
      for (let round = 0; round < 9; round++)
        ratios.push((await time(sessions[1])) / (await time(sessions[0])));
      ratios.sort((a, b) => a - b);
      out.push(`batch ${n} ${ratios[4]!.toFixed(2)}`);
    }
  } finally {
    for (const s of sessions) await s.release();
  }
  return out.join(', ');
}

async function foldModel(dir: string): Promise<string> {
  const file = join(dir, 'model.onnx');
  const card = parseModelCard(JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')));
  const original = new Uint8Array(await readFile(file));
  const model = decodeModel(original);
  const graph = model.graph!;
  const count = foldBatchNorms(
    graph.node!,
    graph.initializer!,
    (graph.output ?? []).map((o) => o.name!),
  );
  if (count === 0) return `${dir}: nothing to fold`;
  const folded = encodeModel(model);
  const { inputName, outputName } = card.onnx;
  const { conditioning } = card;
  const requestFor = (n: number, bytes: Uint8Array = original): OrtRunRequest => ({
    model: bytes,
    inputName,
    outputName,
    input: sampleLatents({ seed: 1, n, latentDim: card.latent.size, distribution: card.latent.distribution }),
    dims: [n, card.latent.size],
    ...(conditioning
      ? {
          classes: {
            name: conditioning.input,
            values: Array.from({ length: n }, (_, i) => i % conditioning.classes.length),
          },
        }
      : {}),
  });
  const n = 64;
  const diff = maxAbsDiff(
    (await runOrtNode(requestFor(n))).data,
    (await runOrtNode(requestFor(n, folded))).data,
  );
  if (!(diff <= DEFAULT_TOLERANCE)) {
    throw new Error(
      `${dir}: the folded graph differs by ${diff} (tolerance ${DEFAULT_TOLERANCE}); left as it was`,
    );
  }
  const speed = await speedRatios(original, folded, requestFor);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, folded);
  await rename(temp, file);
  return `${dir}: folded ${count} BatchNormalization(s); ${original.length} -> ${folded.length} bytes; max |difference| ${diff.toExponential(2)} over ${n} samples; run time folded / original (onnxruntime-node, 2 threads, median of 9 alternating rounds): ${speed}`;
}

const COMMAND = {
  name: 'fold-batch-norms',
  usage: 'usage: node --import tsx scripts/fold-batch-norms.ts <model dir> [<model dir> ...]',
};
const dirs = parseScriptArgs(COMMAND, { options: {}, allowPositionals: true }).positionals;
if (dirs.length === 0) usageError(COMMAND, 'no model folder given');
for (const dir of dirs) {
  try {
    process.stdout.write(`${await foldModel(dir)}\n`);
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  }
}
