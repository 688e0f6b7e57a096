/**
 * Conv2DBackpropFilter for the wasm backend, which ships without it (tfjs-backend-wasm 4.22):
 * the filter gradient of a 2-D convolution, needed by every conv and transposed-conv layer.
 *
 * The math (NHWC, forward stride s, dilation 1, pads top/left from the forward convolution):
 *
 *   dW[kh, kw, ci, co] = sum_{n, oh, ow} x[n, oh*s + kh - top, ow*s + kw - left, ci] * dy[n, oh, ow, co]
 *
 * Rename the axes: treat the input channel ci as the batch, the batch n as the channel:
 *   x' = transpose(x, [3, 1, 2, 0])    : [C, H, W, N]
 *   f' = transpose(dy, [1, 2, 0, 3])   : [OH, OW, N, CO]   (dy used as the filter)
 * then
 *   dW'[ci, kh, kw, co] = sum_{oh, ow, n} x'[ci, kh + oh*s - top, kw + ow*s - left, n] * f'[oh, ow, n, co]
 * which is exactly conv2d(x', f') with stride 1 and DILATION s, zero-padded by (top, left) at the
 * start. Its output has KH rows when the padded input has (OH-1)*s + KH rows: the end is padded
 * with the rest ('same' puts the extra pixel at the end) or, when the forward pass never read the
 * last rows ('valid' with a stride that does not divide), cropped. Then dW = transpose(dW', [1, 2, 0, 3]).
 *
 * Built only from kernels wasm has (Transpose, Slice, Conv2D with dilation: XNNPACK).
 *
 * For an image layer (few input channels: 1 or 3), dy is by far the larger operand, and as the
 * conv's filter it is repacked every call (tfjs transposes it, XNNPACK packs it; a [12544, 64]
 * transpose alone runs out of cache at ~3 ns per element). There the gradient is an im2col product
 * instead: the patches of x, written transposed in one JavaScript pass ([KH*KW*CI, N*OH*OW]), times
 * dy as a [N*OH*OW, CO] matrix on XNNPACK's fully-connected operator, which takes dy's layout as it
 * is: dW[(kh, kw, ci), co] = sum_p patch[(kh, kw, ci), p] * dy[p, co].
 */
import { BatchMatMul, Conv2D, Conv2DBackpropFilter, Slice, Transpose } from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
} from '@tensorflow/tfjs-core';
import { nhwcConvInfo } from './conv-info.ts';
import { heapView } from './heap.ts';
import { composed } from './run-kernel.ts';

const BACKEND = 'wasm';

/** Up to this many input channels the im2col product is used (measured: CI 1 and 3 faster, 8 slower). */
export const IM2COL_UP_TO_CHANNELS = 4;

/** The im2col matrix of x, transposed: out[((kh*KW + kw)*CI + ci) * P + p], p = (n*OH + oh)*OW + ow; 0 in the padding. */
export function patchesTransposed(
  x: Float32Array,
  [n, h, w, c]: readonly [number, number, number, number],
  g: { kh: number; kw: number; oh: number; ow: number; sh: number; sw: number; top: number; left: number },
  out: Float32Array,
): void {
  const p = n * g.oh * g.ow;
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      for (let ci = 0; ci < c; ci++) {
        let o = ((a * g.kw + b) * c + ci) * p;
        for (let img = 0; img < n; img++) {
          for (let y = 0; y < g.oh; y++) {
            const iy = y * g.sh + a - g.top;
            if (iy < 0 || iy >= h) {
              out.fill(0, o, o + g.ow);
              o += g.ow;
              continue;
            }
            const row = (img * h + iy) * w;
            for (let xo = 0; xo < g.ow; xo++) {
              const ix = xo * g.sw + b - g.left;
              out[o++] = ix < 0 || ix >= w ? 0 : (x[(row + ix) * c + ci] as number);
            }
          }
        }
      }
    }
  }
}

/** Rows/cols the dilated conv must read: crop the input to `need` or pad its end up to it. */
function fitAxis(size: number, need: number): { crop: number; padEnd: number } {
  return need < size ? { crop: need, padEnd: 0 } : { crop: size, padEnd: need - size };
}

export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const b = backend as KernelBackend;
  const { x, dy } = inputs;
  if (x === undefined || dy === undefined) throw new Error('Conv2DBackpropFilter needs inputs x and dy');
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports only NHWC');

  const info = nhwcConvInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    pad,
    dimRoundingMode,
  );
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rows = fitAxis(h, (oh - 1) * sh + kh - top);
  const cols = fitAxis(w, (ow - 1) * sw + kw - left);
  if (rows.crop <= 0 || cols.crop <= 0)
    throw new Error('Conv2DBackpropFilter: padding larger than the receptive field');

  if (c <= IM2COL_UP_TO_CHANNELS && x.dtype === 'float32') {
    const p = n * oh * ow;
    const co = dy.shape[3] as number;
    return composed(b, BACKEND, (t) => {
      const patches = t.allocate([1, kh * kw * c, p]);
      patchesTransposed(
        heapView(b, x) as Float32Array,
        [n, h, w, c],
        { kh, kw, oh, ow, sh, sw, top, left },
        heapView(b, patches) as Float32Array,
      );
      const product = t.run(
        BatchMatMul,
        { a: patches, b: { dataId: dy.dataId, shape: [1, p, co], dtype: dy.dtype } },
        { transposeA: false, transposeB: false },
      );
      return { ...product, shape: [kh, kw, c, co] };
    });
  }

  return composed(b, BACKEND, (t) => {
    let xt = t.run(Transpose, { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, N]
    if (rows.crop < h || cols.crop < w) {
      xt = t.run(Slice, { x: xt }, { begin: [0, 0, 0, 0], size: [c, rows.crop, cols.crop, n] });
    }
    const dyt = t.run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, CO]
    const conv = t.run(
      Conv2D,
      { x: xt, filter: dyt },
      {
        strides: [1, 1],
        dilations: [sh, sw],
        pad: [
          [0, 0],
          [top, rows.padEnd],
          [left, cols.padEnd],
          [0, 0],
        ],
        dataFormat: 'NHWC',
      },
    ); // [C, KH, KW, CO]
    return t.run(Transpose, { x: conv }, { perm: [1, 2, 0, 3] });
  });
};

export const conv2DBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: BACKEND,
  kernelFunc: conv2DBackpropFilterWasm,
};
