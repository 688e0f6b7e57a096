/**
 * Conv2D, Conv2DBackpropInput and Conv2DBackpropFilter for the wasm backend on onnxruntime's native
 * CPU kernels (conv-graphs.ts, onnxruntime-convs.ts). Why: XNNPACK in tfjs-backend-wasm runs 128-bit
 * WebAssembly SIMD without fused multiply-add, and on the DCGAN layers it reaches ~20 GFLOP/s on one
 * core of this machine, while onnxruntime's MLAS uses the CPU's own vector width and FMA (AVX2,
 * AVX-512): the same three convolutions of a 64/64 DCGAN layer at batch 64, one thread, 2.5x-3.4x
 * faster (BENCHMARKS.md, "Convolutions on onnxruntime"). Everything else in a step stays on wasm.
 *
 * Each kernel hands what it does not cover (NCHW, non-float32, a filter gradient whose forward conv
 * skipped trailing rows) to the wasm kernel it replaces.
 */
import { backend_util, Conv2D, Conv2DBackpropFilter, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type {
  Conv2DAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelFunc,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { KernelArgs } from '../wasm/faster-kernel.ts';
import { conv2dModel, filterGradientModel, transposedConvModel, type Pads } from './conv-graphs.ts';
import type { OnnxruntimeConvs } from './onnxruntime-convs.ts';

type Shape4 = [number, number, number, number];

/** The kernel configs made here, so registration can tell them from the wasm ones. */
export const ONNXRUNTIME_CONV_KERNELS = new WeakSet<KernelConfig>();

const isFloat4d = (...t: TensorInfo[]): boolean =>
  t.every((i) => i.dtype === 'float32' && i.shape.length === 4);

function geometry(
  x: Shape4,
  filter: Shape4,
  strides: Conv2DAttrs['strides'],
  dilations: Conv2DAttrs['dilations'],
  pad: Conv2DAttrs['pad'],
  dimRoundingMode: Conv2DAttrs['dimRoundingMode'],
): { info: backend_util.Conv2DInfo; pads: Pads } {
  const info = backend_util.computeConv2DInfo(
    x,
    filter,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { top, bottom, left, right } = info.padInfo;
  return { info, pads: { top, bottom, left, right } };
}

const keyOf = (...parts: unknown[]): string => JSON.stringify(parts);

function conv2d(engine: OnnxruntimeConvs, { inputs, backend, attrs }: KernelArgs): TensorInfo | undefined {
  const { x, filter } = inputs;
  const a = attrs as unknown as Conv2DAttrs;
  if (x === undefined || filter === undefined || a.dataFormat === 'NCHW' || !isFloat4d(x, filter))
    return undefined;
  const { info, pads } = geometry(
    x.shape as Shape4,
    filter.shape as Shape4,
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
  );
  if (Object.values(pads).some((p) => p < 0)) return undefined;
  const out = info.outShape as Shape4;
  const strides = [info.strideHeight, info.strideWidth] as const;
  const dilations = [info.dilationHeight, info.dilationWidth] as const;
  return engine.run(
    backend,
    keyOf('conv', x.shape, filter.shape, strides, dilations, pads),
    () => conv2dModel(x.shape as Shape4, filter.shape as Shape4, out, strides, dilations, pads),
    x,
    filter,
    out,
  );
}

function transposedConv(
  engine: OnnxruntimeConvs,
  { inputs, backend, attrs }: KernelArgs,
): TensorInfo | undefined {
  const { dy, filter } = inputs;
  const a = attrs as unknown as Conv2DBackpropInputAttrs;
  if (dy === undefined || filter === undefined || a.dataFormat === 'NCHW' || !isFloat4d(dy, filter))
    return undefined;
  const dx = [...a.inputShape] as Shape4;
  const { info, pads } = geometry(dx, filter.shape as Shape4, a.strides, 1, a.pad, a.dimRoundingMode);
  if (Object.values(pads).some((p) => p < 0)) return undefined;
  const strides = [info.strideHeight, info.strideWidth] as const;
  // Rows (columns) of dx past the last one the forward conv read: ConvTranspose's output_padding.
  const extra = (size: number, s: number, k: number, dySize: number, p0: number, p1: number): number =>
    size + p0 + p1 - (s * (dySize - 1) + k);
  const outputPadding = [
    extra(dx[1], strides[0], info.filterHeight, dy.shape[1]!, pads.top, pads.bottom),
    extra(dx[2], strides[1], info.filterWidth, dy.shape[2]!, pads.left, pads.right),
  ] as const;
  if (outputPadding.some((p, i) => p < 0 || p >= strides[i]!)) return undefined;
  return engine.run(
    backend,
    keyOf('transposed', dy.shape, filter.shape, dx, strides, pads, outputPadding),
    () => transposedConvModel(dy.shape as Shape4, filter.shape as Shape4, dx, strides, pads, outputPadding),
    dy,
    filter,
    dx,
  );
}

function filterGradient(
  engine: OnnxruntimeConvs,
  { inputs, backend, attrs }: KernelArgs,
): TensorInfo | undefined {
  const { x, dy } = inputs;
  const a = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x === undefined || dy === undefined || a.dataFormat === 'NCHW' || !isFloat4d(x, dy)) return undefined;
  const filterShape = [...a.filterShape] as Shape4;
  const { info, pads } = geometry(x.shape as Shape4, filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
  const strides = [info.strideHeight, info.strideWidth] as const;
  // The dilated conv reads rows top .. (OH-1)*s + KH - 1 - top of x; pad its end up to that.
  const end = (size: number, s: number, k: number, dySize: number, p0: number): number =>
    s * (dySize - 1) + k - size - p0;
  const gradPads: Pads = {
    top: pads.top,
    left: pads.left,
    bottom: end(x.shape[1]!, strides[0], filterShape[0], dy.shape[1]!, pads.top),
    right: end(x.shape[2]!, strides[1], filterShape[1], dy.shape[2]!, pads.left),
  };
  // Negative: the forward conv never read x's last rows (they would have to be cut off first).
  if (Object.values(gradPads).some((p) => p < 0)) return undefined;
  return engine.run(
    backend,
    keyOf('filter', x.shape, dy.shape, filterShape, strides, gradPads),
    () => filterGradientModel(x.shape as Shape4, dy.shape as Shape4, filterShape, strides, gradPads),
    x,
    dy,
    filterShape,
  );
}

/** A config that runs `fast` on onnxruntime and hands what it returns undefined for to `wasm`. */
function onOnnxruntime(
  wasm: KernelConfig,
  engine: OnnxruntimeConvs,
  fast: (engine: OnnxruntimeConvs, args: KernelArgs) => TensorInfo | undefined,
): KernelConfig {
  const kernelFunc: KernelFunc = (args) =>
    fast(engine, {
      inputs: args.inputs,
      backend: args.backend as KernelArgs['backend'],
      attrs: args.attrs ?? {},
    }) ?? wasm.kernelFunc(args);
  const config: KernelConfig = {
    kernelName: wasm.kernelName,
    backendName: wasm.backendName,
    kernelFunc,
    ...(wasm.setupFunc === undefined ? {} : { setupFunc: wasm.setupFunc }),
  };
  ONNXRUNTIME_CONV_KERNELS.add(config);
  return config;
}

/** The wasm kernels each one replaces, by name. */
export interface WasmConvKernels {
  readonly [Conv2D]: KernelConfig;
  readonly [Conv2DBackpropInput]: KernelConfig;
  readonly [Conv2DBackpropFilter]: KernelConfig;
}

/** Conv2D and both its gradients on `engine`, falling back to `wasm`'s. */
export function onnxruntimeConvKernels(engine: OnnxruntimeConvs, wasm: WasmConvKernels): KernelConfig[] {
  return [
    onOnnxruntime(wasm[Conv2D], engine, conv2d),
    onOnnxruntime(wasm[Conv2DBackpropInput], engine, transposedConv),
    onOnnxruntime(wasm[Conv2DBackpropFilter], engine, filterGradient),
  ];
}
