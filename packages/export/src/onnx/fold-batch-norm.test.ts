import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertToOnnx } from '../convert/to-onnx.ts';
import { parity, randomizeWeights, TOL, useCpu } from '../testing/fixtures.ts';
import { dcganGenerator, mlpGenerator } from '../testing/layouts.ts';
import { foldBatchNorms } from './fold-batch-norm.ts';
import { decodeModel, encodeModel, type IModelProto } from './proto.ts';

beforeAll(useCpu);

const ops = (p: IModelProto) => (p.graph?.node ?? []).map((n) => n.opType);

describe('batch-norm folding (BatchNormalization written into the Gemm or convolution before it)', () => {
  it('a DCGAN generator: every BatchNormalization and the projection Transpose go, the output agrees with tfjs', async () => {
    const model = dcganGenerator({ size: 28, channels: 1, kernel: 4, batchNorm: true });
    randomizeWeights(model, { seed: 3 });
    const folded = convertToOnnx(model).model;
    const literal = convertToOnnx(model, { foldBatchNorms: false }).model;
    expect(ops(literal)).toContain('BatchNormalization');
    expect(ops(folded)).not.toContain('BatchNormalization');
    expect(ops(folded).filter((o) => o === 'Transpose')).toHaveLength(1);
    expect(ops(folded).length).toBeLessThan(ops(literal).length);
    const d = (await parity(model, { proto: folded, batch: 5 })).diff;
    for (const runtime of Object.keys(d)) expect(d[runtime as keyof typeof d]).toBeLessThan(TOL);
  });

  it('an MLP generator (Gemm -> BatchNormalization on [N, C]), at batch 1 and 64', async () => {
    const model = mlpGenerator({ hidden: [8, 6], batchNorm: true });
    randomizeWeights(model, { seed: 4 });
    const folded = convertToOnnx(model).model;
    expect(ops(folded)).not.toContain('BatchNormalization');
    for (const batch of [1, 64]) {
      const d = (await parity(model, { proto: folded, batch, runtimes: ['onnxruntime-node'] })).diff;
      expect(d['onnxruntime-node']).toBeLessThan(TOL);
    }
  });

  it('uses the layer epsilon: with moving variances near it, a fold with the wrong epsilon is far off', async () => {
    for (const epsilon of [1e-3, 1e-5]) {
      const model = dcganGenerator({ size: 28, channels: 1, kernel: 3, batchNorm: true, epsilon });
      randomizeWeights(model, { seed: 5, variance: [2e-4, 2e-3] });
      const literal = convertToOnnx(model, { foldBatchNorms: false }).model;
      const right = structuredClone(literal);
      foldBatchNorms(right.graph!.node as never, right.graph!.initializer as never, ['image']);
      expect(ops(right)).not.toContain('BatchNormalization');
      expect(
        (await parity(model, { proto: right, runtimes: ['onnxruntime-node'] })).diff['onnxruntime-node'],
      ).toBeLessThan(TOL);
      const wrong = structuredClone(literal);
      for (const n of wrong.graph!.node!) {
        const e = n.attribute?.find((a) => a.name === 'epsilon');
        if (e) e.f = epsilon === 1e-3 ? 1e-5 : 1e-3;
      }
      foldBatchNorms(wrong.graph!.node as never, wrong.graph!.initializer as never, ['image']);
      expect(
        (await parity(model, { proto: wrong, runtimes: ['onnxruntime-node'] })).diff['onnxruntime-node'],
      ).toBeGreaterThan(1e-2);
    }
  });

  it('folds a model read back from its bytes (Long dims and attributes) as it folds one being built', async () => {
    const model = dcganGenerator({ size: 28, channels: 1, kernel: 4, batchNorm: true });
    randomizeWeights(model, { seed: 6 });
    const literal = decodeModel(encodeModel(convertToOnnx(model, { foldBatchNorms: false }).model));
    const count = foldBatchNorms(literal.graph!.node as never, literal.graph!.initializer as never, [
      'image',
    ]);
    expect(count).toBe(2);
    expect(encodeModel(literal)).toEqual(encodeModel(convertToOnnx(model).model));
  });

  it('leaves a BatchNormalization alone when something else reads what it would fold away', async () => {
    // The Dense output feeds the BatchNormalization and, through a Concatenate, the output too.
    const input = tfl.input({ shape: [4] });
    const dense = tfl.layers.dense({ units: 6 }).apply(input) as tfl.SymbolicTensor;
    const bn = tfl.layers.batchNormalization().apply(dense) as tfl.SymbolicTensor;
    const both = tfl.layers.concatenate().apply([dense, bn]) as tfl.SymbolicTensor;
    const out = tfl.layers.reshape({ targetShape: [3, 4, 1] }).apply(both) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    randomizeWeights(model, { seed: 7 });
    const proto = convertToOnnx(model).model;
    expect(ops(proto)).toContain('BatchNormalization');
    const d = (await parity(model, { proto, runtimes: ['onnxruntime-node'] })).diff;
    expect(d['onnxruntime-node']).toBeLessThan(TOL);
  });
});
