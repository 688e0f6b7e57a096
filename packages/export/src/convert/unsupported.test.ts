import * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from '../testing/fixtures.ts';
import { convertToOnnx } from './toOnnx.ts';

beforeAll(useCpu);

function convertError(model: tfl.LayersModel): GanforgeError {
  try {
    convertToOnnx(model);
  } catch (e) {
    expect(e).toBeInstanceOf(GanforgeError);
    return e as GanforgeError;
  }
  throw new Error('expected the conversion to fail');
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
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [8, 8, 1],
          filters: 2,
          kernelSize: 3,
          dilationRate: 2,
          name: 'g_dilated',
        }),
      ],
    });
    expect(convertError(model).message).toBe("cannot export layer 'g_dilated' (Conv2D): dilationRate [2, 2]");
  });

  it('an activation without an ONNX op', () => {
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation: 'softmax', name: 'g_soft' })],
    });
    expect(convertError(model).message).toBe(`cannot export layer 'g_soft' (Dense): activation "softmax"`);
  });

  it('channelsFirst data format and a BN over another axis', () => {
    const cf = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [1, 8, 8],
          filters: 2,
          kernelSize: 3,
          dataFormat: 'channelsFirst',
          name: 'c',
        }),
      ],
    });
    expect(convertError(cf).message).toContain("(Conv2D): dataFormat 'channelsFirst'");
    const bn = tfl.sequential({
      layers: [tfl.layers.batchNormalization({ inputShape: [4, 4, 2], axis: 1, name: 'b' })],
    });
    expect(convertError(bn).message).toContain("'b' (BatchNormalization): axis 1");
  });

  it('a branching model', () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 3, name: 'a' }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers.dense({ units: 3, name: 'b' }).apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add({ name: 'sum' }).apply([a, b]) as tfl.SymbolicTensor;
    const e = convertError(tfl.model({ inputs: input, outputs: sum }));
    expect(e.message).toContain("'b' (Dense): a branching or shared layer");
  });

  it('a ReLU with maxValue', () => {
    const model = tfl.sequential({ layers: [tfl.layers.reLU({ inputShape: [4], maxValue: 6, name: 'r6' })] });
    expect(convertError(model).message).toBe("cannot export layer 'r6' (ReLU): maxValue 6");
  });
});
