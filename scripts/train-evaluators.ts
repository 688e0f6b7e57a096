/**
 * Trains the evaluator classifiers that `ganforge eval` measures generators with, and ships them as
 * models/evaluators/<name>/{model.onnx,card.json}.
 *
 *   node --import tsx scripts/train-evaluators.ts [--only mnist|fashion-mnist] [--epochs N] [--backend wasm|cpu|auto]
 *        [--batch 128] [--limit N] [--out models/evaluators]
 *
 * Network: packages/eval/src/evaluator/architecture.ts (strided convs, 128-d feature layer, linear head).
 * Export: the feature extractor (input -> features) goes through @ganforge/export's converter; the head is
 * appended by hand as Gemm -> 'logits' and Softmax -> 'probabilities', so the graph has three outputs:
 * logits, probabilities, features. The card's accuracy is measured on model.onnx in onnxruntime-node over
 * the whole test split.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FASHION_MNIST_CLASSES, loadDataset, MNIST_CLASSES } from '@ganforge/data';
import { selectBackend } from '@ganforge/backend';
import { writeDirAtomic } from '@ganforge/runs';
import type { BackendInfo, BackendName } from '@ganforge/backend';
import {
  convertToOnnx,
  encodeModel,
  floatAttr,
  floatTensor,
  floatValueInfo,
  GANFORGE_VERSION,
  intAttr,
  IR_VERSION,
} from '@ganforge/export';
import {
  buildEvaluatorNetwork,
  EVALUATOR_INPUT,
  EVALUATORS_DIR,
  EvaluatorCardSchema,
  FEATURE_DIM,
  FEATURE_LAYER,
  featureExtractor,
  headWeights,
  loadEvaluator,
  predictedClasses,
  predictTfjs,
  runEvaluator,
  sha256Hex,
  trainEvaluator,
} from '@ganforge/eval';
import type { EvaluatorCard, LayersModel } from '@ganforge/eval';
import { numberOption, parseScriptArgs, usageError } from './script-args.ts';

const CLASS_NAMES: Record<string, readonly string[]> = {
  mnist: MNIST_CLASSES,
  'fashion-mnist': FASHION_MNIST_CLASSES,
};
const DEFAULT_EPOCHS: Record<string, number> = { mnist: 5, 'fashion-mnist': 6 };
const OPSET = 13;
const SEED = 0;

const COMMAND = {
  name: 'train-evaluators',
  usage: `usage: node --import tsx scripts/train-evaluators.ts [--only mnist|fashion-mnist] [--epochs N]
       [--backend wasm|cpu|auto] [--batch 128] [--limit N] [--out models/evaluators]`,
};
const { values } = parseScriptArgs(COMMAND, {
  options: {
    only: { type: 'string' },
    epochs: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '128' },
    limit: { type: 'string' },
    out: { type: 'string', default: EVALUATORS_DIR },
  },
});

if (values.only !== undefined && !(values.only in CLASS_NAMES))
  usageError(COMMAND, `--only: expected mnist or fashion-mnist, got '${values.only}'`);
if (!['wasm', 'cpu', 'auto'].includes(values.backend))
  usageError(COMMAND, `--backend: expected wasm, cpu or auto, got '${values.backend}'`);
const names = values.only ? [values.only] : ['mnist', 'fashion-mnist'];
const batchSize = numberOption(COMMAND, 'batch', values.batch, { integer: true, min: 1 })!;
const limitOption = numberOption(COMMAND, 'limit', values.limit, { integer: true, min: 1 });
const epochsOption = numberOption(COMMAND, 'epochs', values.epochs, { integer: true, min: 1 });
const outDir = resolve(values.out);

function log(msg: string): void {
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);
}

/** ONNX graph: converted feature extractor + Gemm head (logits) + Softmax (probabilities). */
function toOnnx(model: LayersModel, name: string): Uint8Array {
  const converted = convertToOnnx(featureExtractor(model), {
    opset: OPSET,
    inputName: 'image',
    outputName: 'features',
    graphName: `${name}-evaluator`,
    producerVersion: GANFORGE_VERSION,
  });
  const head = headWeights(model);
  const graph = converted.model.graph;
  if (!graph?.node || !graph.initializer || !graph.output) throw new Error('converted graph is empty');
  const k = head.bias.length;
  graph.initializer.push(
    floatTensor('logits/kernel', head.kernelShape, head.kernel),
    floatTensor('logits/bias', [k], head.bias),
  );
  graph.node.push(
    {
      opType: 'Gemm',
      name: 'logits/Gemm',
      input: ['features', 'logits/kernel', 'logits/bias'],
      output: ['logits'],
      attribute: [floatAttr('alpha', 1), floatAttr('beta', 1), intAttr('transA', 0), intAttr('transB', 0)],
    },
    {
      opType: 'Softmax',
      name: 'probabilities/Softmax',
      input: ['logits'],
      output: ['probabilities'],
      attribute: [intAttr('axis', 1)],
    },
  );
  graph.output = [
    floatValueInfo('logits', ['N', k]),
    floatValueInfo('probabilities', ['N', k]),
    ...graph.output,
  ];
  return encodeModel(converted.model);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function buildOne(name: string, backend: BackendInfo): Promise<void> {
  const kind = name as 'mnist' | 'fashion-mnist';
  const limit = limitOption;
  const trainSet = await loadDataset({ kind, split: 'train', ...(limit ? { limit } : {}) });
  const testSet = await loadDataset({ kind, split: 'test' });
  const epochs = epochsOption ?? DEFAULT_EPOCHS[name] ?? 3;
  const numClasses = trainSet.numClasses ?? 10;
  const model = buildEvaluatorNetwork(numClasses);
  log(
    `${name}: training on ${trainSet.size} images, ${epochs} epochs, batch ${batchSize}, backend ${backend.name} x${backend.threads}`,
  );
  const t0 = performance.now();
  await trainEvaluator(model, trainSet, {
    epochs,
    batchSize,
    seed: SEED,
    learningRate: 1e-3,
    finalLearningRate: 3e-4,
    log,
  });
  const seconds = (performance.now() - t0) / 1000;
  log(`${name}: trained in ${seconds.toFixed(0)} s`);

  const bytes = toOnnx(model, name);
  const sha256 = sha256Hex(bytes);
  // Parity on 64 test images: tfjs (inference mode) vs onnxruntime-node.
  const parityN = 64;
  const reference = await predictTfjs(model, testSet.images, parityN);

  const dir = join(outDir, name);
  mkdirSync(outDir, { recursive: true });
  const provisional: Omit<EvaluatorCard, 'testAccuracy' | 'parity'> = {
    name,
    description: `${name} classifier trained by ganforge (scripts/train-evaluators.ts): the feature space and class predictions of \`ganforge eval\``,
    dataset: { name, numClasses, classNames: [...(CLASS_NAMES[name] ?? [])] },
    input: { name: 'image', ...EVALUATOR_INPUT, valueRange: [-1, 1] },
    outputs: { logits: 'logits', probabilities: 'probabilities', features: 'features' },
    featureLayer: {
      name: FEATURE_LAYER,
      dim: FEATURE_DIM,
      description: 'penultimate Dense layer (128 units) after its ReLU',
    },
    testSize: testSet.size,
    training: {
      split: 'train',
      size: trainSet.size,
      epochs,
      batchSize,
      optimizer: {
        name: 'adam',
        lr: 1e-3,
        lrLastEpoch: 3e-4,
        loss: 'softmaxCrossEntropy(logits)',
        dropout: 0.3,
      },
      seconds: Math.round(seconds),
      backend: { name: backend.name, version: backend.version, threads: backend.threads },
      seed: SEED,
    },
    sha256,
    onnx: { opset: OPSET, irVersion: IR_VERSION },
    createdAt: new Date().toISOString(),
    ganforgeVersion: GANFORGE_VERSION,
  };
  // Write with a provisional accuracy, measure on the written ONNX, then rewrite the card.
  const writeDir = async (card: EvaluatorCard): Promise<void> =>
    writeDirAtomic(dir, (tmp) => {
      writeFileSync(join(tmp, 'model.onnx'), bytes);
      writeFileSync(join(tmp, 'card.json'), `${JSON.stringify(EvaluatorCardSchema.parse(card), null, 2)}\n`);
    });
  await writeDir({ ...provisional, testAccuracy: 0, parity: { maxAbsDiff: {}, batch: parityN } });
  const ev = await loadEvaluator(dir);
  const out = await runEvaluator(ev, testSet.images);
  const predicted = predictedClasses(out);
  let correct = 0;
  for (let i = 0; i < out.n; i++) if (predicted[i] === testSet.labels?.[i]) correct++;
  const testAccuracy = correct / out.n;
  const parity = {
    maxAbsDiff: {
      features: maxAbsDiff(reference.features, out.features.subarray(0, parityN * FEATURE_DIM)),
      probabilities: maxAbsDiff(reference.probabilities, out.probabilities.subarray(0, parityN * numClasses)),
    },
    batch: parityN,
  };
  await ev.session.release();
  await writeDir({ ...provisional, testAccuracy, parity });
  log(
    `${name}: test accuracy ${(testAccuracy * 100).toFixed(2)}% (onnxruntime-node, ${out.n} images), parity ${JSON.stringify(parity.maxAbsDiff)}, sha256 ${sha256}`,
  );
}

const backend = await selectBackend(values.backend as BackendName | 'auto');
for (const name of names) {
  if (!(name in CLASS_NAMES)) {
    console.error(`unknown evaluator '${name}' (use mnist or fashion-mnist)`);
    process.exit(2);
  }
  await buildOne(name, backend);
}
// The wasm backend's worker threads keep the event loop alive.
process.exit(0);
