import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModel, onnx } from '../onnx/proto.ts';
import type { IModelProto } from '../onnx/proto.ts';
import { maxAbsDiff } from '../parity/check.ts';
import { runOrtNode } from '../parity/runtimes.ts';
import { conditionalGenerator } from '../testing/conditional-layouts.ts';
import type { ConditionalGeneratorLayout } from '../testing/conditional-layouts.ts';
import { TOL, parity, randomizeWeights, uniformInput, useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

const { FLOAT, INT64 } = onnx.TensorProto.DataType;

function signature(p: IModelProto, which: 'input' | 'output') {
  return (p.graph?.[which] ?? []).map((i) => ({
    name: i.name,
    type: i.type?.tensorType?.elemType,
    dims: i.type?.tensorType?.shape?.dim?.map((d) => d.dimParam || Number(d.dimValue)),
  }));
}

/** ONNX (onnxruntime-node) on one z twice, with the classes `values`: max |image 1 - image 2|. */
async function classEffect(bytes: Uint8Array, values: [number, number]): Promise<number> {
  const z = uniformInput(6);
  const out = await runOrtNode({
    model: bytes,
    inputName: 'latent',
    outputName: 'image',
    input: new Float32Array([...z, ...z]),
    dims: [2, 6],
    classes: { name: 'class', values },
  });
  const half = out.data.length / 2;
  return maxAbsDiff(out.data.subarray(0, half), out.data.subarray(half));
}

const layouts: (ConditionalGeneratorLayout & { image: [number, number, number] })[] = [
  { kind: 'dcgan', merge: 'multiply', numClasses: 3, image: [28, 28, 1] },
  {
    kind: 'dcgan',
    merge: 'concat',
    numClasses: 4,
    embeddingDim: 3,
    size: 32,
    channels: 3,
    image: [32, 32, 3],
  },
  { kind: 'mlp', merge: 'multiply', numClasses: 5, hidden: [8, 12], batchNorm: true, image: [28, 28, 1] },
  { kind: 'mlp', merge: 'concat', numClasses: 3, embeddingDim: 2, hidden: [8], image: [28, 28, 1] },
];

describe('a class-conditional generator G(z, class) exports with a second input, class int64 [N]', () => {
  it.each(layouts)(
    '$kind, $merge: inputs latent + class, dynamic batch, parity at N=1 and N=5',
    async (l) => {
      const model = conditionalGenerator(l);
      randomizeWeights(model, { seed: l.numClasses });
      const converted = convertToOnnx(model);
      const { model: proto } = converted;
      expect(converted.classInput).toEqual({ name: 'class', numClasses: l.numClasses });
      expect(converted.inputShape).toEqual([6]);
      expect(converted.outputShape).toEqual(l.image);
      expect(converted.layers.slice(0, 3)).toEqual([
        'Embedding',
        'Flatten',
        l.merge === 'multiply' ? 'Multiply' : 'Concatenate',
      ]);
      expect(signature(proto, 'input')).toEqual([
        { name: 'latent', type: FLOAT, dims: ['N', 6] },
        { name: 'class', type: INT64, dims: ['N'] },
      ]);
      expect(signature(proto, 'output')).toEqual([{ name: 'image', type: FLOAT, dims: ['N', ...l.image] }]);
      const ops = (proto.graph?.node ?? []).map((n) => n.opType);
      expect(ops.slice(0, 2)).toEqual(['Gather', l.merge === 'multiply' ? 'Mul' : 'Concat']);
      expect(ops).not.toContain('Flatten');
      // One set of bytes, every batch size; mixed classes.
      for (const [batch, classes] of [
        [1, [l.numClasses - 1]],
        [5, [0, 2, 1, 2, 0].map((c) => c % l.numClasses)],
      ] as const) {
        const p = await parity(model, { proto, batch, classes });
        expect(p.outputDims).toEqual([batch, ...l.image]);
        expect(p.scale).toBeGreaterThan(0.05);
        expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
        expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
      }
      // The class is not ignored: one z, two classes, two images.
      expect(await classEffect(encodeModel(proto), [0, 1])).toBeGreaterThan(1e-2);
    },
  );

  it('the class reaches the image: one z with classes 0 and 1 gives two images, with 1 and 1 the same one', async () => {
    const model = conditionalGenerator({ kind: 'dcgan', merge: 'concat', numClasses: 2 });
    randomizeWeights(model, { seed: 4 });
    const bytes = encodeModel(convertToOnnx(model).model);
    expect(await classEffect(bytes, [0, 1])).toBeGreaterThan(0.1);
    expect(await classEffect(bytes, [1, 1])).toBe(0);
  });

  it('at opset 17 too; the opset range of a conditional G is that of the plain one (Gemm without C: 11+)', async () => {
    const model = conditionalGenerator({ kind: 'mlp', merge: 'concat', numClasses: 3 });
    randomizeWeights(model, { seed: 2 });
    const { model: proto, opsets } = convertToOnnx(model, { opset: 17 });
    expect(proto.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(opsets).toEqual({ min: 11 });
    const p = await parity(model, { proto, batch: 4 });
    expect(p.diff['onnxruntime-node']).toBeLessThan(TOL);
    expect(p.diff['onnxruntime-web']).toBeLessThan(TOL);
  });
});
