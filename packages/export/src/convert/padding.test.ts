import { describe, expect, it } from 'vitest';
import {
  convOutputSize,
  convPads,
  convTransposeOutputSize,
  convTransposePads,
  onnxConvTransposeOutputSize,
} from './padding.ts';

describe('tfjs padding as explicit ONNX pads', () => {
  it("Conv2D 'same': total = max((ceil(in/s)-1)*s + k - in, 0), the odd pixel at the end", () => {
    expect(convPads('same', 7, 4, 1)).toEqual({ begin: 1, end: 2 });
    expect(convPads('same', 7, 4, 2)).toEqual({ begin: 1, end: 2 });
    expect(convPads('same', 8, 3, 2)).toEqual({ begin: 0, end: 1 });
    expect(convPads('same', 28, 5, 2)).toEqual({ begin: 1, end: 2 });
    expect(convPads('same', 8, 1, 2)).toEqual({ begin: 0, end: 0 });
    expect(convPads('valid', 7, 4, 1)).toEqual({ begin: 0, end: 0 });
    expect(convOutputSize('same', 7, 4, 2)).toBe(4);
    expect(convOutputSize('valid', 7, 3, 2)).toBe(3);
  });

  it("Conv2DTranspose: 'same' crops max(k-s, 0) split with the extra at the end; output_padding = max(s-k, 0)", () => {
    expect(convTransposePads('same', 5, 2)).toEqual({ begin: 1, end: 2, outputPadding: 0 });
    expect(convTransposePads('same', 4, 2)).toEqual({ begin: 1, end: 1, outputPadding: 0 });
    expect(convTransposePads('same', 3, 2)).toEqual({ begin: 0, end: 1, outputPadding: 0 });
    expect(convTransposePads('same', 1, 2)).toEqual({ begin: 0, end: 0, outputPadding: 1 });
    expect(convTransposePads('valid', 1, 2)).toEqual({ begin: 0, end: 0, outputPadding: 1 });
    expect(convTransposePads('valid', 3, 2)).toEqual({ begin: 0, end: 0, outputPadding: 0 });
  });

  it('the ONNX ConvTranspose output size equals tfjs for kernels 1-5, strides 1-2, both paddings', () => {
    for (const mode of ['same', 'valid'] as const)
      for (let k = 1; k <= 5; k++)
        for (let s = 1; s <= 2; s++)
          for (const size of [1, 4, 7]) {
            const pads = convTransposePads(mode, k, s);
            expect(onnxConvTransposeOutputSize(size, k, s, pads)).toBe(
              convTransposeOutputSize(mode, size, k, s),
            );
          }
  });
});
