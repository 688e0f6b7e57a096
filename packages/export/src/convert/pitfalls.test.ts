// Each pitfall in docs/techniques.md#onnx-export pinned twice: the export is right (parity), and the wrong form
// (swapped pads, ONNX's default epsilon/alpha, an int32 shape) is measurably wrong on the same model.
import * as tfl from '@tensorflow/tfjs-layers';
import * as ortNode from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { onnx } from '../onnx/proto.ts';
import type { IModelProto, NodeProto, ValueInfoProto } from '../onnx/proto.ts';
import { encodeModel } from '../onnx/proto.ts';
import { TOL, mutate, parity, randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { tanhUpsample } from '../testing/layouts.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

const FLOAT = onnx.AttributeProto.AttributeType.FLOAT;

function nodes(p: IModelProto, op: string) {
  return (p.graph?.node ?? []).filter((n) => n.opType === op);
}
function attr(node: NodeProto, name: string) {
  return node.attribute?.find((a) => a.name === name);
}
function expectParity(d: Record<string, number>): void {
  expect(d['onnxruntime-node']).toBeLessThan(TOL);
  expect(d['onnxruntime-web']).toBeLessThan(TOL);
}

/** latent -> Dense -> Reshape [7, 7, 2] -> ...layers. */
function imageModel(
  layers: tfl.layers.Layer[],
  start: [number, number, number] = [7, 7, 2],
): tfl.LayersModel {
  const [h, w, c] = start;
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: h * w * c }),
      tfl.layers.reshape({ targetShape: start }),
      ...layers,
    ],
  });
}

describe("asymmetric 'same' padding (tfjs puts the odd pixel at the end)", () => {
  it('Conv2D k4 s1 on 7x7 (total 3) and k3 s2 on 8x8 (total 1), ConvT k5/k3 s2: parity; swapped pads break it', async () => {
    const model = imageModel([
      tfl.layers.conv2d({ filters: 3, kernelSize: 4, padding: 'same' }),
      tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 5, strides: 2, padding: 'same' }),
      tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
    ]);
    randomizeWeights(model, { seed: 3 });
    const { model: proto } = convertToOnnx(model);
    expect(nodes(proto, 'Conv').map((n) => attr(n, 'pads')?.ints)).toEqual([
      [1, 1, 2, 2],
      [0, 0, 1, 1],
    ]);
    expect(nodes(proto, 'ConvTranspose').map((n) => attr(n, 'pads')?.ints)).toEqual([
      [1, 1, 2, 2],
      [0, 0, 1, 1],
    ]);
    const good = await parity(model, { proto });
    expect(good.outputDims).toEqual([3, 14, 14, 2]);
    expectParity(good.diff);
    const swapped = mutate(proto, (p) => {
      for (const n of p.graph?.node ?? []) {
        const pads = n.attribute?.find((a) => a.name === 'pads');
        if (pads?.ints) pads.ints = [pads.ints[2]!, pads.ints[3]!, pads.ints[0]!, pads.ints[1]!];
      }
    });
    const bad = await parity(model, { proto: swapped, runtimes: ['onnxruntime-node'] });
    expect(bad.diff['onnxruntime-node']).toBeGreaterThan(1e-2);
  });

  it('odd sizes 7 -> 14 -> 28 and every kernel 1-5 x stride 1/2 x same/valid for Conv2D and Conv2DTranspose', async () => {
    const worst = { node: 0, web: 0 };
    for (const padding of ['same', 'valid'] as const)
      for (let k = 1; k <= 5; k++)
        for (const s of [1, 2]) {
          const model = imageModel([
            tfl.layers.conv2dTranspose({ filters: 2, kernelSize: k, strides: s, padding }),
            tfl.layers.conv2d({ filters: 2, kernelSize: k, strides: s, padding }),
          ]);
          randomizeWeights(model, { seed: k * 10 + s });
          const p = await parity(model, { batch: 2 });
          worst.node = Math.max(worst.node, p.diff['onnxruntime-node']);
          worst.web = Math.max(worst.web, p.diff['onnxruntime-web']);
        }
    expect(worst.node).toBeLessThan(TOL);
    expect(worst.web).toBeLessThan(TOL);
  });
});

describe('BatchNormalization epsilon (tfjs 1e-3, ONNX 1e-5)', () => {
  for (const epsilon of [1e-3, 1e-5]) {
    it(`writes epsilon ${epsilon} as a FLOAT; ONNX's default would be wrong`, async () => {
      const model = imageModel([
        tfl.layers.batchNormalization({ epsilon }),
        tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }),
      ]);
      // Moving variances near epsilon make the epsilon visible in the output.
      randomizeWeights(model, { seed: 5, variance: [2e-4, 2e-3] });
      // The layer as written, not folded into the Gemm before it (fold-batch-norm.test.ts folds this model).
      const { model: proto } = convertToOnnx(model, { foldBatchNorms: false });
      const [bn] = nodes(proto, 'BatchNormalization');
      expect(attr(bn!, 'epsilon')).toMatchObject({ type: FLOAT });
      expect(attr(bn!, 'epsilon')?.f).toBeCloseTo(epsilon, 12);
      expectParity((await parity(model, { proto })).diff);
      const other = epsilon === 1e-3 ? 1e-5 : 1e-3;
      const wrong = mutate(proto, (p) => {
        const e = nodes(p, 'BatchNormalization')[0]?.attribute?.find((a) => a.name === 'epsilon');
        if (e) e.f = other;
      });
      expect(
        (await parity(model, { proto: wrong, runtimes: ['onnxruntime-node'] })).diff['onnxruntime-node'],
      ).toBeGreaterThan(1e-2);
    });
  }

  it('BN on a vector (MLP) without center/scale', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 6 }),
        tfl.layers.batchNormalization({ center: false, scale: false }),
        tfl.layers.reshape({ targetShape: [2, 3, 1] }),
      ],
    });
    randomizeWeights(model, { seed: 9 });
    expectParity((await parity(model)).diff);
  });
});

describe('LeakyReLU alpha (tfjs 0.3, ONNX 0.01)', () => {
  for (const alpha of [undefined, 0.2]) {
    it(`alpha ${alpha ?? 'default (0.3)'} is written as a FLOAT; dropping it breaks parity`, async () => {
      const model = imageModel([
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same' }),
        tfl.layers.leakyReLU(alpha === undefined ? {} : { alpha }),
      ]);
      randomizeWeights(model, { seed: 11 });
      const { model: proto } = convertToOnnx(model);
      const [leaky] = nodes(proto, 'LeakyRelu');
      expect(attr(leaky!, 'alpha')?.type).toBe(FLOAT);
      expect(attr(leaky!, 'alpha')?.f).toBeCloseTo(alpha ?? 0.3, 6);
      expectParity((await parity(model, { proto })).diff);
      const defaulted = mutate(proto, (p) => {
        const n = nodes(p, 'LeakyRelu')[0];
        if (n) n.attribute = [];
      });
      expect(
        (await parity(model, { proto: defaulted, runtimes: ['onnxruntime-node'] })).diff['onnxruntime-node'],
      ).toBeGreaterThan(1e-2);
    });
  }
});

describe('Reshape shape is an int64 initializer with a dynamic batch', () => {
  it('writes [-1, 7, 7, 2] as INT64 (a -1 in targetShape is resolved); an int32 shape is rejected by onnxruntime', async () => {
    const model = imageModel([tfl.layers.reshape({ targetShape: [-1, 7, 2] })]);
    randomizeWeights(model);
    const { model: proto } = convertToOnnx(model);
    const shapes = nodes(proto, 'Reshape').map((n) =>
      proto.graph?.initializer?.find((t) => t.name === n.input?.[1]),
    );
    for (const t of shapes) {
      expect(t?.dataType).toBe(onnx.TensorProto.DataType.INT64);
      const raw = t?.rawData as Uint8Array;
      expect(Array.from(new BigInt64Array(raw.slice().buffer), Number)).toEqual([-1, 7, 7, 2]);
    }
    expectParity((await parity(model, { proto })).diff);
    const int32 = mutate(proto, (p) => {
      for (const t of p.graph?.initializer ?? []) {
        if (t.dataType === onnx.TensorProto.DataType.INT64) {
          t.dataType = onnx.TensorProto.DataType.INT32;
          t.rawData = new Uint8Array(new Int32Array([-1, 7, 7, 2]).buffer);
        }
      }
    });
    await expect(ortNode.InferenceSession.create(encodeModel(int32))).rejects.toThrow();
  });
});

describe('dynamic batch', () => {
  it("input and output batch dims are dim_param 'N'; the same bytes run at batch 1 and 64", async () => {
    const model = imageModel([tfl.layers.batchNormalization(), tfl.layers.reLU(), tanhUpsample(1)]);
    randomizeWeights(model, { seed: 13 });
    const { model: proto } = convertToOnnx(model);
    const dims = (v: ValueInfoProto | undefined) => v?.type?.tensorType?.shape?.dim ?? [];
    expect(dims(proto.graph?.input?.[0])[0]?.dimParam).toBe('N');
    expect(dims(proto.graph?.output?.[0])[0]?.dimParam).toBe('N');
    for (const batch of [1, 64]) {
      const p = await parity(model, { proto, batch });
      expect(p.outputDims).toEqual([batch, 14, 14, 1]);
      expectParity(p.diff);
    }
  });
});

describe('graph shape', () => {
  it('a DCGAN generator has exactly one Transpose (back to NHWC before the output; the projection is reshaped to NCHW directly) and NHWC output', async () => {
    const model = imageModel([
      tfl.layers.batchNormalization(),
      tfl.layers.reLU(),
      tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' }),
      tfl.layers.batchNormalization(),
      tfl.layers.reLU(),
      tanhUpsample(3),
    ]);
    const { model: proto, outputShape } = convertToOnnx(model);
    expect(nodes(proto, 'Transpose')).toHaveLength(1);
    // Unfolded: the Transpose after the Reshape is back.
    expect(nodes(convertToOnnx(model, { foldBatchNorms: false }).model, 'Transpose')).toHaveLength(2);
    expect(outputShape).toEqual([28, 28, 3]);
    expect(proto.graph?.input?.[0]?.name).toBe('latent');
    expect(proto.graph?.output?.[0]?.name).toBe('image');
    expect(proto.irVersion).toBe(8);
    expect(proto.opsetImport).toEqual([{ domain: '', version: 13 }]);
  });

  it('every float attribute (alpha, beta, epsilon) is typed FLOAT, also at opset 17', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [3], units: 8 }),
        tfl.layers.batchNormalization(),
        tfl.layers.leakyReLU({ alpha: 1 }),
        tfl.layers.dense({ units: 4, activation: 'elu' }),
        tfl.layers.reshape({ targetShape: [2, 2, 1] }),
      ],
    });
    randomizeWeights(model);
    const { model: proto } = convertToOnnx(model, { opset: 17 });
    const floats = (proto.graph?.node ?? [])
      .flatMap((n) => n.attribute ?? [])
      .filter((a) => ['alpha', 'beta', 'epsilon'].includes(a.name ?? ''));
    expect(floats.length).toBeGreaterThanOrEqual(5);
    for (const a of floats) expect(a.type).toBe(FLOAT);
    expect(proto.opsetImport?.[0]?.version).toBe(17);
    expectParity((await parity(model, { proto })).diff);
  });
});
