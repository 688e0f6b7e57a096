import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IModelProto } from '../onnx/proto.ts';
import { projectionDiscriminator } from '../testing/conditional-layouts.ts';
import { thrown } from '../testing/expected-errors.ts';
import { TOL, parity, randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

type Tensor = tfl.SymbolicTensor;

function ops(p: IModelProto): string[] {
  return (p.graph?.node ?? []).map((n) => n.opType ?? '');
}
function apply(layer: tfl.layers.Layer, x: Tensor | Tensor[]): Tensor {
  return layer.apply(x) as Tensor;
}
function built(inputs: Tensor | Tensor[], output: Tensor, seed = 5): tfl.LayersModel {
  const model = tfl.model({ inputs, outputs: output, name: 'm' });
  randomizeWeights(model, { seed });
  return model;
}
async function expectParity(model: tfl.LayersModel, batches: readonly number[], io = {}): Promise<void> {
  for (const batch of batches) {
    const p = await parity(model, { batch, convert: io });
    expect(p.scale).toBeGreaterThan(1e-3);
    expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
    expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
  }
}
const message = (f: () => unknown): string => thrown(f).message;

describe('merge layers of a functional graph', () => {
  it('Multiply: one Mul per extra input, in tfjs order; inputs of one shape only', async () => {
    const x = tfl.input({ shape: [4] });
    const a = apply(tfl.layers.dense({ units: 4 }), x);
    const b = apply(tfl.layers.dense({ units: 4, activation: 'tanh' }), x);
    const model = built(x, apply(tfl.layers.multiply(), [x, a, b]));
    expect(ops(convertToOnnx(model).model)).toEqual(['Gemm', 'Gemm', 'Tanh', 'Mul', 'Mul']);
    await expectParity(model, [1, 5]);

    const y = tfl.input({ shape: [4] });
    const one = apply(tfl.layers.dense({ units: 1 }), y);
    const broadcast = built(y, apply(tfl.layers.multiply({ name: 'times' }), [y, one]));
    expect(message(() => convertToOnnx(broadcast))).toBe(
      "cannot export layer 'times' (Multiply): inputs [N, 4] and [N, 1] (only inputs of one shape, no broadcasting)",
    );
  });

  it('Add: a branching model (two Dense on one input, then Add) converts; values in NCHW stay there', async () => {
    const x = tfl.input({ shape: [4] });
    const a = apply(tfl.layers.dense({ units: 3, name: 'a' }), x);
    const b = apply(tfl.layers.dense({ units: 3, name: 'b' }), x);
    const branching = built(x, apply(tfl.layers.add({ name: 'sum' }), [a, b]));
    expect(ops(convertToOnnx(branching).model)).toEqual(['Gemm', 'Gemm', 'Add']);
    await expectParity(branching, [1, 5]);

    // A residual block on an image: conv(x) + x, both NCHW inside; one Transpose in, one out.
    const z = tfl.input({ shape: [8] });
    const img = apply(
      tfl.layers.reshape({ targetShape: [2, 2, 2] }),
      apply(tfl.layers.dense({ units: 8 }), z),
    );
    const conv = apply(tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }), img);
    const bn = apply(tfl.layers.batchNormalization(), img);
    const residual = built(z, apply(tfl.layers.add(), [conv, bn]));
    expect(ops(convertToOnnx(residual).model)).toEqual([
      'Gemm',
      'Reshape',
      'Transpose',
      'Conv',
      'BatchNormalization',
      'Add',
      'Transpose',
    ]);
    await expectParity(residual, [1, 5]);
  });

  it('Concatenate: one Concat on the tfjs axis (default last), NCHW inputs transposed back first', async () => {
    const x = tfl.input({ shape: [4] });
    const a = apply(tfl.layers.dense({ units: 3 }), x);
    const b = apply(tfl.layers.dense({ units: 2 }), x);
    const vectors = built(x, apply(tfl.layers.concatenate(), [x, a, b]));
    const { model: proto, outputShape } = convertToOnnx(vectors);
    expect(ops(proto)).toEqual(['Gemm', 'Gemm', 'Concat']);
    expect(outputShape).toEqual([9]);
    expect(proto.graph?.node?.[2]?.attribute).toEqual([expect.objectContaining({ name: 'axis', i: 1 })]);
    await expectParity(vectors, [1, 5]);

    const z = tfl.input({ shape: [12] });
    const img = apply(tfl.layers.reshape({ targetShape: [2, 2, 3] }), z);
    const conv = apply(tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }), img);
    const channels = built(z, apply(tfl.layers.concatenate({ axis: -1 }), [img, conv]));
    const c = convertToOnnx(channels).model;
    expect(ops(c)).toEqual(['Reshape', 'Transpose', 'Conv', 'Transpose', 'Concat']);
    expect(c.graph?.node?.[4]?.attribute).toEqual([expect.objectContaining({ name: 'axis', i: 3 })]);
    await expectParity(channels, [1, 5]);
    // On another axis (rows): the same Concat, on that axis.
    const conv3 = apply(tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), img);
    const rows = built(z, apply(tfl.layers.concatenate({ axis: 1 }), [img, conv3]), 6);
    const r = convertToOnnx(rows);
    expect(r.outputShape).toEqual([4, 2, 3]);
    expect(r.model.graph?.node?.at(-1)?.attribute).toEqual([expect.objectContaining({ name: 'axis', i: 1 })]);
    await expectParity(rows, [1, 5]);
  });

  it('Dot (axes 1) and Add: a projection discriminator D(image, class) = linear(phi) + <embed(class), phi>', async () => {
    const d = projectionDiscriminator({ numClasses: 4, size: 8 });
    randomizeWeights(d, { seed: 9, weightStd: 0.5 });
    const io = { inputName: 'image', outputName: 'logit' };
    const { model: proto, classInput, layers } = convertToOnnx(d, io);
    expect(classInput).toEqual({ name: 'class', numClasses: 4 });
    expect(layers).toContain('Dot');
    // The projection: Mul then MatMul with a column of ones; then the Add of the two terms.
    expect(ops(proto).slice(-3)).toEqual(['Mul', 'MatMul', 'Add']);
    expect(proto.graph?.input?.map((i) => i.name)).toEqual(['image', 'class']);
    for (const batch of [1, 5]) {
      const p = await parity(d, { batch, proto, convert: io, classes: [3, 0, 1, 2, 3].slice(0, batch) });
      expect(p.outputDims).toEqual([batch, 1]);
      expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
      expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
    }
  });

  it('Dot on axis -1 is the same; Dot with normalize (cosine proximity) is refused, naming the layer', async () => {
    const x = tfl.input({ shape: [4] });
    const a = apply(tfl.layers.dense({ units: 4 }), x);
    const last = built(x, apply(tfl.layers.dot({ axes: -1 }), [x, a]));
    expect(ops(convertToOnnx(last).model)).toEqual(['Gemm', 'Mul', 'MatMul']);
    await expectParity(last, [1, 5]);
    const cosine = built(x, apply(tfl.layers.dot({ axes: 1, normalize: true, name: 'cos' }), [x, a]));
    expect(message(() => convertToOnnx(cosine))).toBe(
      "cannot export layer 'cos' (Dot): normalize (cosine proximity)",
    );
  });
});
