import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../onnx/proto.ts';
import type { IModelProto } from '../onnx/proto.ts';
import { encodeModel } from '../onnx/proto.ts';
import { maxAbsDiff } from '../parity/check.ts';
import { runOrtNode } from '../parity/runtimes.ts';
import { thrown } from '../testing/expected-errors.ts';
import { TOL, parity, randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

type Tensor = tfl.SymbolicTensor;
const { FLOAT, INT64 } = onnx.TensorProto.DataType;

function ops(p: IModelProto): string[] {
  return (p.graph?.node ?? []).map((n) => n.opType ?? '');
}

/** z [4] and class -> Embedding(3, 4) -> `between` -> Multiply(z, .) -> Dense(2). */
function conditioned(
  between: (e: Tensor) => Tensor,
  embedding: { maskZero?: boolean } = {},
): tfl.LayersModel {
  const z = tfl.input({ shape: [4], name: 'z' });
  const c = tfl.input({ shape: [1], dtype: 'int32', name: 'class' });
  const e = tfl.layers
    .embedding({ inputDim: 3, outputDim: 4, name: 'g_class_embedding', ...embedding })
    .apply(c) as Tensor;
  const h = tfl.layers.multiply({ name: 'g_condition' }).apply([z, between(e)]) as Tensor;
  const y = tfl.layers.dense({ units: 2, name: 'g_dense' }).apply(h) as Tensor;
  const model = tfl.model({ inputs: [z, c], outputs: y, name: 'g' });
  randomizeWeights(model, { seed: 11 });
  return model;
}
const flatten = (e: Tensor): Tensor => tfl.layers.flatten({ name: 'g_class_flatten' }).apply(e) as Tensor;

describe('Embedding of the class input', () => {
  it('class is an int64 [N] graph input; Gather(E, class) on axis 0 gives [N, d]; the Flatten after it writes no node', async () => {
    const model = conditioned(flatten);
    const { model: proto, classInput, layers } = convertToOnnx(model);
    expect(layers).toEqual(['Embedding', 'Flatten', 'Multiply', 'Dense']);
    expect(classInput).toEqual({ name: 'class', numClasses: 3 });
    expect(ops(proto)).toEqual(['Gather', 'Mul', 'Gemm']);
    const inputs = (proto.graph?.input ?? []).map((i) => ({
      name: i.name,
      type: i.type?.tensorType?.elemType,
      dims: i.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
    }));
    expect(inputs).toEqual([
      { name: 'latent', type: FLOAT, dims: ['N', 4] },
      { name: 'class', type: INT64, dims: ['N'] },
    ]);
    const gather = proto.graph?.node?.[0];
    expect(gather?.input).toEqual(['g_class_embedding/embeddings', 'class']);
    expect(gather?.attribute).toEqual([expect.objectContaining({ name: 'axis', i: 0 })]);
    // The table is the layer's weights, bit for bit: [numClasses, d] float32.
    const table = proto.graph?.initializer?.find((t) => t.name === 'g_class_embedding/embeddings');
    expect(table?.dims).toEqual([3, 4]);
    const weights = model.getLayer('g_class_embedding').getWeights()[0]!;
    expect(new Float32Array(table!.rawData!.slice().buffer)).toEqual(weights.dataSync());
    for (const batch of [1, 4]) {
      const p = await parity(model, { batch, proto, classes: [2, 0, 1, 2].slice(0, batch) });
      expect(p.outputDims).toEqual([batch, 2]);
      expect(p.scale).toBeGreaterThan(0.05);
      expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
      expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
    }
  });

  it('an embedded class [N, 1, d] read by other layers: a Reshape reshapes it as it is; a Dense (rank 3) gets its axis back with one Reshape', async () => {
    const viaReshape = conditioned((e) => tfl.layers.reshape({ targetShape: [4] }).apply(e) as Tensor);
    expect(ops(convertToOnnx(viaReshape).model)).toEqual(['Gather', 'Reshape', 'Mul', 'Gemm']);
    const viaDense = conditioned((e) => {
      const d = tfl.layers.dense({ units: 4, activation: 'tanh' }).apply(e) as Tensor;
      return tfl.layers.flatten().apply(d) as Tensor;
    });
    expect(ops(convertToOnnx(viaDense).model)).toEqual([
      'Gather',
      'Reshape',
      'MatMul',
      'Add',
      'Tanh',
      'Flatten',
      'Mul',
      'Gemm',
    ]);
    for (const model of [viaReshape, viaDense]) {
      const p = await parity(model, { batch: 5, classes: [0, 2, 1, 1, 0] });
      expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
      expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
    }
  });

  it('class ids go in as int32 [N, 1] to tfjs and int64 [N] to ONNX; a wrong count or an id out of range is refused', async () => {
    const model = conditioned(flatten);
    await expect(parity(model, { batch: 2, classes: [0] })).rejects.toThrow(
      'parity: 1 class ids for a batch of 2',
    );
    await expect(parity(model, { batch: 2, classes: [0, 3] })).rejects.toThrow('and 3 is not in [0, 3)');
    await expect(parity(model, { batch: 2, classes: [-1, 0] })).rejects.toThrow('and -1 is not in [0, 3)');
    expect(model.inputs.map((t) => t.dtype)).toEqual(['float32', 'int32']);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('out-of-range classes are not clamped (serving must reject them): onnxruntime fails on class >= numClasses, reads -1 as the last class', async () => {
    const bytes = encodeModel(convertToOnnx(conditioned(flatten)).model);
    const z = new Float32Array([0.1, -0.2, 0.3, 0.4]);
    const run = (values: number[]) =>
      runOrtNode({
        model: bytes,
        inputName: 'latent',
        outputName: 'image',
        input: z,
        dims: [1, 4],
        classes: { name: 'class', values },
      });
    await expect(run([3])).rejects.toThrow(/out of (data )?bounds|indices/i);
    expect(maxAbsDiff((await run([-1])).data, (await run([2])).data)).toBe(0);
  });

  it('only an Embedding may read the class input, with one class count, and no maskZero', () => {
    const z = tfl.input({ shape: [4], name: 'z' });
    const c = tfl.input({ shape: [1], dtype: 'int32', name: 'class' });
    const direct = tfl.layers.dense({ units: 4, name: 'g_direct' }).apply(c) as Tensor;
    const h = tfl.layers.multiply().apply([z, direct]) as Tensor;
    expect(thrown(() => convertToOnnx(tfl.model({ inputs: [z, c], outputs: h }))).message).toBe(
      "cannot export layer 'g_direct' (Dense): reads the class input 'class' (only an Embedding can)",
    );

    const z2 = tfl.input({ shape: [4], name: 'z' });
    const c2 = tfl.input({ shape: [1], dtype: 'int32', name: 'class' });
    const a = flatten(tfl.layers.embedding({ inputDim: 3, outputDim: 4 }).apply(c2) as Tensor);
    const b = tfl.layers
      .flatten()
      .apply(tfl.layers.embedding({ inputDim: 5, outputDim: 4 }).apply(c2)) as Tensor;
    const sum = tfl.layers.add().apply([z2, a, b]) as Tensor;
    expect(
      thrown(() => convertToOnnx(tfl.model({ inputs: [z2, c2], outputs: sum, name: 'two' }))).message,
    ).toBe("model 'two': the class input 'class' must feed Embeddings of one class count (inputDim 3, 5)");

    const masked = thrown(() => convertToOnnx(conditioned(flatten, { maskZero: true })));
    expect(masked.message).toBe(
      "cannot export layer 'g_class_embedding' (Embedding): maskZero (masks are not exported)",
    );
  });
});
