import type { ModelCard } from '@ganforge/core';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { floatInit, generatorBytes, valueInfo, weights, writeTinyModel } from './tiny-generator.ts';
import { makeTestCard } from './test-card.ts';

const { onnx } = onnxProto;

/** Class names of the tiny conditional generator (Fashion-MNIST's first four, one with a '/'). */
export const TINY_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress'] as const;

/** Options for a tiny class-conditional generator written straight as ONNX. */
export interface TinyConditionalOptions {
  readonly latentDim?: number;
  readonly height?: number;
  readonly width?: number;
  readonly classes?: readonly string[];
  readonly weightSeed?: number;
}

/**
 * Bytes of a class-conditional generator with the contract of an exported ganforge one (see
 * packages/export/src/convert/class-input.ts): inputs `latent` float32 [N, latentDim] and `class` int64 [N];
 * `Gather(embedding, class)` concatenated to the latent -> Gemm -> Tanh -> Reshape -> `image` [N, H, W, 1].
 * The embedding is large beside the latent's weights, so each class gives a clearly different image.
 */
export function buildTinyConditional(options: TinyConditionalOptions = {}): Uint8Array {
  const latentDim = options.latentDim ?? 4;
  const classCount = (options.classes ?? TINY_CLASSES).length;
  const seed = options.weightSeed ?? 5;
  const embed = 4;
  const axis = onnx.AttributeProto.create({
    name: 'axis',
    i: 1,
    type: onnx.AttributeProto.AttributeType.INT,
  });
  return generatorBytes({
    name: 'tiny_conditional_generator',
    nodes: [
      onnx.NodeProto.create({ opType: 'Gather', input: ['embedding', 'class'], output: ['emb'] }),
      onnx.NodeProto.create({
        opType: 'Concat',
        input: ['latent', 'emb'],
        output: ['joined'],
        attribute: [axis],
      }),
    ],
    inits: [floatInit('embedding', [classCount, embed], weights(classCount * embed, seed + 3, 2))],
    inputs: [
      valueInfo('latent', ['N', latentDim]),
      valueInfo('class', ['N'], onnx.TensorProto.DataType.INT64),
    ],
    hidden: 'joined',
    inDim: latentDim + embed,
    height: options.height ?? 6,
    width: options.width ?? 6,
    channels: 1,
    seed,
  });
}

/** The card of the tiny conditional generator: the usual test card with its conditioning section. */
export function tinyConditionalCard(name: string, options: TinyConditionalOptions = {}): ModelCard {
  return {
    ...makeTestCard({
      name,
      latentDim: options.latentDim ?? 4,
      height: options.height ?? 6,
      width: options.width ?? 6,
      channels: 1,
    }),
    conditioning: { input: 'class', classes: [...(options.classes ?? TINY_CLASSES)] },
  };
}

/** Writes models/<name>/{model.onnx, card.json} of the tiny conditional generator. */
export function writeTinyConditionalModel(
  modelsDir: string,
  name: string,
  options: TinyConditionalOptions = {},
): Promise<string> {
  return writeTinyModel(modelsDir, name, {
    onnxBytes: buildTinyConditional(options),
    card: tinyConditionalCard(name, options),
  });
}

/**
 * The tiny conditional generator run directly on onnxruntime-node (no server): what the server must
 * answer for the same latents and class ids.
 */
export async function tinyConditionalReference(options: TinyConditionalOptions = {}): Promise<{
  run(latents: Float32Array, classes: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
}> {
  const session = await ort.InferenceSession.create(buildTinyConditional(options));
  const latentDim = options.latentDim ?? 4;
  return {
    async run(latents, classes) {
      const n = latents.length / latentDim;
      const out = await session.run({
        latent: new ort.Tensor('float32', latents, [n, latentDim]),
        class: new ort.Tensor(
          'int64',
          BigInt64Array.from(classes, (c) => BigInt(c)),
          [classes.length],
        ),
      });
      return new Float32Array(out.image!.data as Float32Array);
    },
    close: () => session.release(),
  };
}
