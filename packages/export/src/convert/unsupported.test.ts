import * as tfl from '@tensorflow/tfjs-layers';
import type { GanforgeError } from '@ganforge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { thrown } from '../testing/expected-errors.ts';
import { useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './to-onnx.ts';

beforeAll(useCpu);

const convertError = (model: tfl.LayersModel): GanforgeError => thrown(() => convertToOnnx(model));

/** A model of one Conv2D layer, 3x3 kernels to 2 filters, with the setting under test. */
function conv3x3(
  args: Omit<Parameters<typeof tfl.layers.conv2d>[0], 'filters' | 'kernelSize'>,
): tfl.LayersModel {
  return tfl.sequential({ layers: [tfl.layers.conv2d({ filters: 2, kernelSize: 3, ...args })] });
}

describe('unsupported layers and settings stop the export with the layer, its class and what is unsupported', () => {
  it('an LSTM layer', () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.lstm({
          inputShape: [3, 4],
          units: 2,
          name: 'g_lstm',
          recurrentInitializer: 'glorotNormal',
        }),
      ],
    });
    const e = convertError(model);
    expect(e.code).toBe('export_unsupported');
    expect(e.message).toBe("cannot export layer 'g_lstm' (LSTM): this layer class has no ONNX converter");
  });

  it('a Conv2D with dilation', () => {
    const model = conv3x3({ inputShape: [8, 8, 1], dilationRate: 2, name: 'g_dilated' });
    expect(convertError(model).message).toBe("cannot export layer 'g_dilated' (Conv2D): dilationRate [2, 2]");
  });

  it('an activation without an ONNX op', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', name: 'g_soft' })],
    });
    expect(convertError(model).message).toBe(`cannot export layer 'g_soft' (Dense): activation "softmax"`);
  });

  it('channelsFirst data format and a BN over another axis', () => {
    const cf = conv3x3({ inputShape: [1, 8, 8], dataFormat: 'channelsFirst', name: 'c' });
    expect(convertError(cf).message).toContain("(Conv2D): dataFormat 'channelsFirst'");
    const bn = tfl.sequential({
      layers: [tfl.layers.batchNormalization({ inputShape: [4, 4, 2], axis: 1, name: 'b' })],
    });
    expect(convertError(bn).message).toContain("'b' (BatchNormalization): axis 1");
  });

  // A branching model (two Dense on one input, then Add) converts now: see merge-layers.test.ts.
  it('a shared layer (one layer applied twice)', () => {
    const input = tfl.input({ shape: [4] });
    const shared = tfl.layers.dense({ units: 4, name: 'shared' });
    const a = shared.apply(input) as tfl.SymbolicTensor;
    const b = shared.apply(a) as tfl.SymbolicTensor;
    const e = convertError(tfl.model({ inputs: input, outputs: b }));
    expect(e.message).toBe(
      "cannot export layer 'shared' (Dense): a shared layer (applied more than once; each layer must be applied once)",
    );
  });

  it('a second float input, or an int input that is not a class input [N, 1]', () => {
    const a = tfl.input({ shape: [4], name: 'a' });
    const b = tfl.input({ shape: [4], name: 'b' });
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
    const two = convertError(tfl.model({ inputs: [a, b], outputs: sum, name: 'two' }));
    expect(two.message).toBe(
      "model 'two' has inputs 'a' float32 [N, 4], 'b' float32 [N, 4]; only one float32 input (the latent or the image) and at most one class input (int32 [N, 1]) can be exported",
    );
    const z = tfl.input({ shape: [4], name: 'z' });
    const seq = tfl.input({ shape: [3], dtype: 'int32', name: 'tokens' });
    const e = tfl.layers.embedding({ inputDim: 5, outputDim: 4 }).apply(seq) as tfl.SymbolicTensor;
    const f = tfl.layers.flatten().apply(e) as tfl.SymbolicTensor;
    const out = tfl.layers.concatenate().apply([z, f]) as tfl.SymbolicTensor;
    expect(convertError(tfl.model({ inputs: [z, seq], outputs: out, name: 'seq' })).message).toMatch(
      /^model 'seq' has inputs 'z' float32 \[N, 4\], 'tokens' int32 \[N, 3\]; only one float32 input/,
    );
  });

  it('a model with two outputs (an auxiliary-classifier D: logit and class logits)', () => {
    const image = tfl.input({ shape: [4] });
    const logit = tfl.layers.dense({ units: 1 }).apply(image) as tfl.SymbolicTensor;
    const classes = tfl.layers.dense({ units: 3 }).apply(image) as tfl.SymbolicTensor;
    const e = convertError(tfl.model({ inputs: image, outputs: [logit, classes], name: 'acgan' }));
    expect(e.message).toBe("model 'acgan' has 2 outputs; only one can be exported");
    expect(e.hint).toContain('auxiliary-classifier discriminator');
  });

  it('a ReLU with maxValue', () => {
    const model = tfl.sequential({ layers: [tfl.layers.reLU({ inputShape: [4], maxValue: 6, name: 'r6' })] });
    expect(convertError(model).message).toBe("cannot export layer 'r6' (ReLU): maxValue 6");
  });
});
