import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelCard } from '@ganforge/core';
import onnxProto from 'onnx-proto';
import { makeTestCard } from './test-card.ts';

const { onnx } = onnxProto;

/** Options for a tiny generator written straight as ONNX (test fixtures; no exporter involved). */
export interface TinyGeneratorOptions {
  readonly latentDim?: number;
  readonly height?: number;
  readonly width?: number;
  readonly channels?: 1 | 3;
  /** Seed of the fixed weights; two models with different seeds give different images. */
  readonly weightSeed?: number;
  /**
   * Hidden Gemm+Tanh layers of this width (an MLP generator latent-width-...-width-pixels). The first maps
   * the latent to `width`; the other `layers - 1` share one width x width matrix, so a deep stack (to
   * make a run take measurable time) stays a small file.
   */
  readonly hidden?: { readonly width: number; readonly layers: number };
}

export function weights(count: number, seed: number, scale: number): Float32Array {
  // A small LCG so fixture weights are fixed without depending on core's PRNG.
  let s = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale;
  }
  return out;
}

export function floatInit(name: string, dims: number[], data: Float32Array) {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // little-endian float32
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

export function valueInfo(
  name: string,
  dims: (number | string)[],
  elemType: number = onnx.TensorProto.DataType.FLOAT,
) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'string'
              ? onnx.TensorShapeProto.Dimension.create({ dimParam: d })
              : onnx.TensorShapeProto.Dimension.create({ dimValue: d }),
          ),
        }),
      }),
    }),
  });
}

/**
 * Bytes of a generator `latent [N, latentDim] -> (Gemm -> Tanh)* -> Gemm -> Tanh -> Reshape -> image [N,H,W,C]`,
 * opset 13, batch dimension dynamic. Same contract as an exported ganforge generator.
 */
export function buildTinyGenerator(options: TinyGeneratorOptions = {}): Uint8Array {
  const latentDim = options.latentDim ?? 4;
  const height = options.height ?? 8;
  const width = options.width ?? 8;
  const channels = options.channels ?? 1;
  const seed = options.weightSeed ?? 1;
  const nodes = [];
  const inits = [];
  let input = 'latent';
  let inDim = latentDim;
  const hidden = options.hidden;
  if (hidden) {
    // First layer latent -> width, then `layers - 1` Gemm+Tanh sharing one width x width matrix.
    inits.push(
      floatInit(
        'in_w',
        [inDim, hidden.width],
        weights(inDim * hidden.width, seed + 17, 1 / Math.sqrt(inDim)),
      ),
    );
    inits.push(floatInit('h_b', [hidden.width], weights(hidden.width, seed + 43, 0.1)));
    if (hidden.layers > 1) {
      inits.push(
        floatInit(
          'h_w',
          [hidden.width, hidden.width],
          weights(hidden.width * hidden.width, seed + 31, 1.5 / Math.sqrt(hidden.width)),
        ),
      );
    }
    nodes.push(onnx.NodeProto.create({ opType: 'Gemm', input: [input, 'in_w', 'h_b'], output: ['h_in_z'] }));
    nodes.push(onnx.NodeProto.create({ opType: 'Tanh', input: ['h_in_z'], output: ['h_in'] }));
    input = 'h_in';
    for (let l = 0; l + 1 < hidden.layers; l++) {
      nodes.push(
        onnx.NodeProto.create({ opType: 'Gemm', input: [input, 'h_w', 'h_b'], output: [`h${l}_z`] }),
      );
      nodes.push(onnx.NodeProto.create({ opType: 'Tanh', input: [`h${l}_z`], output: [`h${l}_a`] }));
      input = `h${l}_a`;
    }
    inDim = hidden.width;
  }
  return generatorBytes({
    name: 'tiny_generator',
    nodes,
    inits,
    inputs: [valueInfo('latent', ['N', latentDim])],
    hidden: input,
    inDim,
    height,
    width,
    channels,
    seed,
  });
}

type NodeProto = ReturnType<typeof onnx.NodeProto.create>;
type TensorProto = ReturnType<typeof onnx.TensorProto.create>;
type ValueInfoProto = ReturnType<typeof valueInfo>;

/**
 * Bytes of a test generator graph: `nodes` (with `inits`) take `inputs` to `hidden` [N, inDim], then the
 * output layer `hidden -> Gemm -> Tanh -> Reshape -> image [N, H, W, C]` (weights from `seed`), opset 13.
 */
export function generatorBytes(o: {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly inits: readonly TensorProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly hidden: string;
  readonly inDim: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly seed: number;
}): Uint8Array {
  const { inDim, height, width, channels, seed } = o;
  const pixels = height * width * channels;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    producerName: 'ganforge-serve-tests',
    graph: onnx.GraphProto.create({
      name: o.name,
      node: [
        ...o.nodes,
        onnx.NodeProto.create({ opType: 'Gemm', input: [o.hidden, 'out_w', 'out_b'], output: ['z'] }),
        onnx.NodeProto.create({ opType: 'Tanh', input: ['z'], output: ['t'] }),
        onnx.NodeProto.create({ opType: 'Reshape', input: ['t', 'shape'], output: ['image'] }),
      ],
      initializer: [
        ...o.inits,
        floatInit('out_w', [inDim, pixels], weights(inDim * pixels, seed, 1.5 / Math.sqrt(inDim))),
        floatInit('out_b', [pixels], weights(pixels, seed + 7, 0.2)),
        onnx.TensorProto.create({
          name: 'shape',
          dims: [4],
          dataType: onnx.TensorProto.DataType.INT64,
          int64Data: [-1, height, width, channels],
        }),
      ],
      input: [...o.inputs],
      output: [valueInfo('image', ['N', height, width, channels])],
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** A card for the tiny generator, in the shape of '@ganforge/core' ModelCardSchema. */
export function tinyCard(name: string, options: TinyGeneratorOptions = {}): ModelCard {
  return makeTestCard({
    name,
    latentDim: options.latentDim ?? 4,
    height: options.height ?? 8,
    width: options.width ?? 8,
    channels: options.channels ?? 1,
  });
}

/** Writes models/<name>/{model.onnx, card.json} atomically (temp file + rename in the same folder). */
export async function writeTinyModel(
  modelsDir: string,
  name: string,
  options: TinyGeneratorOptions & { onnxBytes?: Uint8Array; card?: unknown } = {},
): Promise<string> {
  const dir = join(modelsDir, name);
  await mkdir(dir, { recursive: true });
  const onnxBytes = options.onnxBytes ?? buildTinyGenerator(options);
  await atomicWrite(join(dir, 'model.onnx'), onnxBytes);
  await atomicWrite(join(dir, 'card.json'), JSON.stringify(options.card ?? tinyCard(name, options), null, 2));
  return dir;
}

async function atomicWrite(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
