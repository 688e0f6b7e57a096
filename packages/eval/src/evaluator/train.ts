import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@ganforge/core';
import { batches, batchesPerEpoch } from '@ganforge/data';
import type { Dataset } from '@ganforge/data';
import { FEATURE_LAYER } from './architecture.ts';

export interface EvaluatorTraining {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Adam's rate; the last epoch (when there are several) runs at `finalLearningRate`. */
  readonly learningRate: number;
  readonly finalLearningRate: number;
  readonly log?: (line: string) => void;
}

/** Supervised training with sparse softmax cross-entropy on the active tfjs backend. Returns the final epoch's mean accuracy. */
export async function trainEvaluator(
  model: tfl.Sequential,
  ds: Dataset,
  opts: EvaluatorTraining,
): Promise<number> {
  if (ds.labels === undefined) throw new Error(`dataset ${ds.name} has no labels`);
  const rng = createRng(opts.seed);
  const { height, width, channels } = ds.shape;
  const perEpoch = batchesPerEpoch(ds, opts.batchSize);
  const numClasses = ds.numClasses ?? 10;
  let epochAcc = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const lr = opts.epochs > 1 && epoch === opts.epochs - 1 ? opts.finalLearningRate : opts.learningRate;
    // The head outputs logits, so the loss is softmax cross-entropy on logits (tfjs-layers' named
    // categorical losses expect probabilities); categoricalAccuracy is an argmax, the same on logits.
    model.compile({
      optimizer: tf.train.adam(lr),
      loss: (yTrue: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, logits),
      metrics: ['categoricalAccuracy'],
    });
    let i = 0;
    let window = { loss: 0, acc: 0, n: 0 };
    epochAcc = 0;
    const t0 = performance.now();
    for (const batch of batches(ds, opts.batchSize, rng)) {
      const x = tf.tensor4d(batch.images, [batch.size, height, width, channels]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(batch.labels ?? new Int32Array(0), 'int32'), numClasses));
      const [loss, acc] = (await model.trainOnBatch(x, y)) as number[];
      tf.dispose([x, y]);
      window = { loss: window.loss + (loss ?? NaN), acc: window.acc + (acc ?? NaN), n: window.n + 1 };
      epochAcc += acc ?? NaN;
      i++;
      if (i % 50 === 0 || i === perEpoch) {
        const rate = (i * opts.batchSize) / ((performance.now() - t0) / 1000);
        opts.log?.(
          `epoch ${epoch + 1}/${opts.epochs} batch ${i}/${perEpoch} loss ${(window.loss / window.n).toFixed(4)} ` +
            `acc ${(window.acc / window.n).toFixed(4)} (${rate.toFixed(0)} img/s)`,
        );
        window = { loss: 0, acc: 0, n: 0 };
      }
    }
    epochAcc /= Math.max(1, i);
  }
  return epochAcc;
}

/** The network from its input to the feature layer (a single chain, as the ONNX converter needs). */
export function featureExtractor(model: tfl.LayersModel): tfl.LayersModel {
  return tfl.model({
    inputs: model.inputs,
    outputs: model.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor,
    name: `${model.name}_features`,
  });
}

/** The linear head's weights: logits = features @ kernel + bias. */
export function headWeights(model: tfl.LayersModel): {
  kernel: Float32Array;
  kernelShape: number[];
  bias: Float32Array;
} {
  const [kernel, bias] = model.getLayer('logits').getWeights();
  if (!kernel || !bias) throw new Error("the evaluator's 'logits' layer has no weights");
  return {
    kernel: kernel.dataSync() as Float32Array,
    kernelShape: kernel.shape,
    bias: bias.dataSync() as Float32Array,
  };
}

/** tfjs's own (inference-mode) features and softmax probabilities for n images, to check the ONNX export against. */
export async function predictTfjs(
  model: tfl.LayersModel,
  images: Float32Array,
  n: number,
): Promise<{ features: Float32Array; probabilities: Float32Array }> {
  const shape = model.inputs[0]?.shape.slice(1) as number[];
  const both = tfl.model({
    inputs: model.inputs,
    outputs: [
      model.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor,
      model.outputs[0] as tfl.SymbolicTensor,
    ],
  });
  const xs = tf.tensor(images.subarray(0, n * shape.reduce((a, b) => a * b, 1)), [n, ...shape]);
  const [features, logits] = both.predict(xs) as tf.Tensor[];
  const probs = tf.softmax(logits as tf.Tensor);
  const result = {
    features: (await (features as tf.Tensor).data()) as Float32Array,
    probabilities: (await probs.data()) as Float32Array,
  };
  tf.dispose([xs, features as tf.Tensor, logits as tf.Tensor, probs]);
  return result;
}

export type LayersModel = tfl.LayersModel;
