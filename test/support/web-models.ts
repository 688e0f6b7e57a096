/**
 * Model directories for the browser tests and benchmark: a DCGAN-shaped generator (Dense -> BN -> ReLU
 * -> ConvTranspose stride 2 -> ... -> tanh) built in tfjs with random weights and exported to ONNX by
 * packages/export, so the browser runs the same kind of graph a trained model has.
 */
import { join } from 'node:path';
import { convertToOnnx, encodeModel } from '@ganforge/export';
import { dcganGenerator, randomizeWeights, useCpu } from '@ganforge/export/testing';
import { makeTestCard, writeTinyModel } from '@ganforge/serve/testing';

export interface DcganFixture {
  readonly latentDim: number;
  /** Filters of the last hidden stage (the first stage has 2x as many for 28x28). */
  readonly base: number;
  readonly kernel: number;
  readonly weightSeed?: number;
}

/** Writes `<modelsDir>/<name>/{model.onnx, card.json}` for a 28x28x1 DCGAN generator with random weights. */
export async function writeDcganModel(modelsDir: string, name: string, f: DcganFixture): Promise<string> {
  await useCpu();
  const g = dcganGenerator({ size: 28, channels: 1, kernel: f.kernel, base: f.base, latentDim: f.latentDim });
  randomizeWeights(g, { seed: f.weightSeed ?? 1, weightStd: 0.15 });
  const converted = convertToOnnx(g, { opset: 13, inputName: 'latent', outputName: 'image' });
  g.dispose();
  const [height, width, channels] = converted.outputShape as [number, number, 1 | 3];
  await writeTinyModel(modelsDir, name, {
    onnxBytes: encodeModel(converted.model),
    card: {
      ...makeTestCard({ name, latentDim: f.latentDim, height, width, channels }),
      description: 'DCGAN-shaped generator with random weights, exported to ONNX by packages/export',
    },
  });
  return join(modelsDir, name);
}
