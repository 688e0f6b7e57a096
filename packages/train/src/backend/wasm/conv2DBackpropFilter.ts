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
 */
import { backend_util, Conv2D, Conv2DBackpropFilter, Slice, Transpose } from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropFilterAttrs,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { runBackendKernel } from './runKernel.ts';

const BACKEND = 'wasm';

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

  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
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

  const temps: TensorInfo[] = [];
  const run = (name: string, ins: Record<string, TensorInfo>, at: NamedAttrMap): TensorInfo => {
    const out = runBackendKernel(name, b, BACKEND, ins, at);
    temps.push(out);
    return out;
  };
  try {
    let xt = run(Transpose, { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, N]
    if (rows.crop < h || cols.crop < w) {
      xt = run(Slice, { x: xt }, { begin: [0, 0, 0, 0], size: [c, rows.crop, cols.crop, n] });
    }
    const dyt = run(Transpose, { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, CO]
    const conv = run(
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
    return runBackendKernel(Transpose, b, BACKEND, { x: conv }, { perm: [1, 2, 0, 3] });
  } finally {
    for (const t of temps) b.disposeData(t.dataId);
  }
};

export const conv2DBackpropFilterWasmConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: BACKEND,
  kernelFunc: conv2DBackpropFilterWasm,
};
