import * as tfl from '@tensorflow/tfjs-layers';
import { buildDiscriminator, parseTrainConfig } from '@ganforge/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { OP_FORMS } from '../onnx/op-forms.ts';
import { thrown } from '../testing/expected-errors.ts';
import { randomizeWeights, useCpu } from '../testing/fixtures.ts';
import { tanhUpsample } from '../testing/layouts.ts';
import type { ConverterEntry } from './layer.ts';
import { convertReLU } from './layers/activation.ts';
import { discriminatorConverters } from './layers/discriminator.ts';
import { checkOpset } from './opset-check.ts';
import { standardConverters } from './registry.ts';
import { SUPPORTED_OPSETS, convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

function generator(): tfl.LayersModel {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 7 * 7 * 2, name: 'g_dense' }),
      tfl.layers.reshape({ targetShape: [7, 7, 2], name: 'g_reshape' }),
      tfl.layers.batchNormalization({ name: 'g_bn' }),
      tfl.layers.reLU({ name: 'g_relu' }),
      tanhUpsample(1, 'g_out'),
    ],
  });
  randomizeWeights(model);
  return model;
}

/** LayerNormalization has no built-in converter; ONNX has the op from opset 17 on. */
function withLayerNorm(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 6, name: 'g_dense' }),
      tfl.layers.layerNormalization({ name: 'g_ln' }),
    ],
  });
}
const layerNormEntry: ConverterEntry = {
  ops: [{ op: 'LayerNormalization', min: 17, form: 'the LayerNormalization op' }],
  convert: (g, x, layer) => {
    const scale = g.floatInit(`${layer.name}/gamma`, [6], new Float32Array(6).fill(1));
    return { ...x, name: g.node('LayerNormalization', [x.name, scale], layer.name) };
  },
};

describe('the opset of an export', () => {
  it.each(SUPPORTED_OPSETS)(
    'opset_import is the target (%i), within the range the converters declare',
    (opset) => {
      const { model, opsets, layers } = convertToOnnx(generator(), { opset });
      expect(layers).toEqual(['Dense', 'Reshape', 'BatchNormalization', 'ReLU', 'Conv2DTranspose']);
      expect(model.opsetImport).toEqual([{ domain: '', version: opset }]);
      // Gemm without C (the Dense) sets the lowest; nothing here ends before the newest opsets.
      expect(opsets).toEqual({ min: 11 });
    },
  );

  it("a discriminator's minibatch layer bounds the range above: ReduceMean's axes attribute ends at 17", () => {
    const cfg = parseTrainConfig({
      discriminator: { kind: 'mlp', hidden: [8], minibatch: 'stddev' },
    }).discriminator;
    const d = buildDiscriminator(cfg, { shape: { height: 4, width: 4, channels: 1 }, seed: 1 });
    const { model, opsets } = convertToOnnx(d, { opset: 17, inputName: 'image', outputName: 'logit' });
    expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(opsets).toEqual({ min: 11, max: 17 });
    const use = { layer: { name: 'd_mbstd', className: 'MinibatchStdDev' } };
    expect(() =>
      checkOpset(18, [{ ...use, entry: discriminatorConverters.MinibatchStdDev! }], [13, 17, 18]),
    ).toThrow(
      "cannot export layer 'd_mbstd' (MinibatchStdDev) at opset 18: its converter writes ReduceMean with 'axes' as an attribute (an input from opset 18), which ONNX has in opsets 1..17",
    );
  });

  it('a converter needing a newer opset than the target stops the export, naming the layer, the op and the opset to use', () => {
    const error = thrown(() =>
      convertToOnnx(withLayerNorm(), { opset: 13, converters: { LayerNormalization: layerNormEntry } }),
    );
    expect(error).toMatchObject({
      code: 'export_bad_opset',
      message:
        "cannot export layer 'g_ln' (LayerNormalization) at opset 13: its converter writes LayerNormalization with the LayerNormalization op, which ONNX has in opsets 17+",
      hint: 'export at opset 17 (--opset 17)',
    });
    // At an opset that has the op, the same model converts and declares it.
    const ok = convertToOnnx(withLayerNorm(), {
      opset: 17,
      converters: { LayerNormalization: layerNormEntry },
    });
    expect(ok.model.opsetImport).toEqual([{ domain: '', version: 17 }]);
    expect(ok.opsets).toEqual({ min: 17 });
  });

  it('when no opset suits every layer, the hint says so', () => {
    // A converter written for ReduceMean's newer form (axes as an input) next to the minibatch layer's older one.
    const newReduceMean: ConverterEntry = {
      ...layerNormEntry,
      ops: [{ op: 'ReduceMean', min: 18, form: "'axes' as an input" }],
    };
    const uses = [
      { layer: { name: 'a', className: 'MinibatchStdDev' }, entry: discriminatorConverters.MinibatchStdDev! },
      { layer: { name: 'b', className: 'Custom' }, entry: newReduceMean },
    ];
    expect(() => checkOpset(17, uses, SUPPORTED_OPSETS)).toThrow(
      expect.objectContaining({
        code: 'export_bad_opset',
        message:
          "cannot export layer 'b' (Custom) at opset 17: its converter writes ReduceMean with 'axes' as an input, which ONNX has in opsets 18+",
        hint: 'no opset the exporter writes (13, 17) suits every layer of this model (their forms have no opset in common); change the model',
      }),
    );
  });

  it('a converter that writes an op its entry does not declare is caught (its range would be wrong)', () => {
    const model = tfl.sequential({ layers: [tfl.layers.reLU({ inputShape: [4], name: 'r' })] });
    expect(() => convertToOnnx(model, { converters: { ReLU: { convert: convertReLU, ops: [] } } })).toThrow(
      "the converter of layer 'r' (ReLU) wrote a Relu node, which its registry entry does not declare (add OP_FORMS.Relu to its ops)",
    );
  });

  it('every registered converter declares its forms from the one table', () => {
    const table = new Set<unknown>(Object.values(OP_FORMS));
    for (const [name, entry] of Object.entries({ ...standardConverters, ...discriminatorConverters })) {
      for (const f of entry.ops) expect(table.has(f), `${name}: ${f.op}`).toBe(true);
    }
  });
});
