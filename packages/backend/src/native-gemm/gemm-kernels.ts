/**
 * Conv2D, Conv2DBackpropInput, Conv2DBackpropFilter, BatchMatMul and plain _FusedMatMul for the wasm
 * backend on onnxruntime's native CPU kernels (gemm-graphs.ts, onnxruntime-gemm.ts). Why: XNNPACK in
 * tfjs-backend-wasm computes with 128-bit WebAssembly SIMD and no fused multiply-add (22-27 GFLOP/s
 * on a DCGAN layer, one core of this machine), while onnxruntime's MLAS uses the CPU's own vectors
 * and FMA (AVX2, AVX-512): on the 64/64 DCGAN layers at batch 64, one thread, the forward conv, the
 * transposed conv and the filter gradient run 1.7-2.9x faster, and a dense layer's products ~2.9x
 * (BENCHMARKS.md, "Convolutions and matmuls on onnxruntime, kernel by kernel"). Everything else in a
 * step stays on wasm.
 *
 * Each kernel hands what it does not cover (NCHW, non-float32, a filter gradient whose forward conv
 * skipped trailing rows, a batched matmul or one with a bias or activation, a 1-channel forward conv)
 * to the wasm kernel it replaces.
 */
import {
  _FusedMatMul,
  backend_util,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  util,
} from '@tensorflow/tfjs-core';
import type {
  Conv2DAttrs,
  Conv2DBackpropFilterAttrs,
  Conv2DBackpropInputAttrs,
  KernelConfig,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { fasterKernel, type KernelArgs } from '../wasm/faster-kernel.ts';
import {
  conv2dModel,
  filterGradientModel,
  matMulModel,
  transposedConvModel,
  type Pads,
} from './gemm-graphs.ts';
import type { OnnxruntimeGemm } from './onnxruntime-gemm.ts';

type Shape4 = [number, number, number, number];

/** The kernel configs made here, so registration can tell them from the wasm ones. */
export const ONNXRUNTIME_GEMM_KERNELS = new WeakSet<KernelConfig>();

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

/**
 * A forward conv of an image with one channel stays on XNNPACK: its im2col GEMM has K = KH*KW, too
 * short for MLAS (a DCGAN's [64,28,28,1] * [4,4,1,64], one thread: 2.3 ms on XNNPACK, 5.1 ms on
 * onnxruntime; with 3 channels and more onnxruntime is as fast or faster; BENCHMARKS.md).
 */
export const FORWARD_ON_ONNXRUNTIME_FROM_CHANNELS = 2;

function conv2d(engine: OnnxruntimeGemm, { inputs, backend, attrs }: KernelArgs): TensorInfo | undefined {
  const { x, filter } = inputs;
  const a = attrs as unknown as Conv2DAttrs;
  if (x === undefined || filter === undefined || a.dataFormat === 'NCHW' || !isFloat4d(x, filter))
    return undefined;
  if (x.shape[3]! < FORWARD_ON_ONNXRUNTIME_FROM_CHANNELS) return undefined;
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
  engine: OnnxruntimeGemm,
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
  engine: OnnxruntimeGemm,
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

/**
 * BatchMatMul (and _FusedMatMul with neither bias nor activation) of one matrix by one (a batch of 1,
 * float32: every dense layer, forward and backward), transposes read in place by Gemm. Batched
 * products, and fused ones with a bias or an activation, stay on wasm.
 */
function matMul(engine: OnnxruntimeGemm, { inputs, backend, attrs }: KernelArgs): TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = inputs;
  const { transposeA, transposeB, activation } = attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
  };
  // _FusedMatMul without a bias or an activation is a plain product (G's first dense layer: BN follows it).
  if (bias !== undefined || preluActivationWeights !== undefined) return undefined;
  if (activation !== undefined && activation !== 'linear') return undefined;
  if (a === undefined || b === undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const batch = (t: TensorInfo): number => util.sizeFromShape(t.shape.slice(0, -2));
  if (batch(a) !== 1 || batch(b) !== 1) return undefined;
  const a2 = a.shape.slice(-2) as [number, number];
  const b2 = b.shape.slice(-2) as [number, number];
  const m = transposeA ? a2[1] : a2[0];
  const n = transposeB ? b2[0] : b2[1];
  const rank = Math.max(a.shape.length, b.shape.length);
  const out = [...Array<number>(rank - 2).fill(1), m, n];
  return engine.run(
    backend,
    keyOf('matmul', a2, b2, transposeA, transposeB),
    () => matMulModel(a2, b2, transposeA, transposeB),
    a,
    b,
    out,
    { a: a2, b: b2, y: [m, n] },
  );
}

/** A config that runs `fast` on onnxruntime and hands what it returns undefined for to `wasm`. */
function onOnnxruntime(
  wasm: KernelConfig,
  engine: OnnxruntimeGemm,
  fast: (engine: OnnxruntimeGemm, args: KernelArgs) => TensorInfo | undefined,
): KernelConfig {
  const config = fasterKernel(wasm.kernelName, (args) => fast(engine, args), wasm);
  ONNXRUNTIME_GEMM_KERNELS.add(config);
  return config;
}

/** The wasm kernels each one replaces, by name. */
export interface WasmGemmKernels {
  readonly [Conv2D]: KernelConfig;
  readonly [Conv2DBackpropInput]: KernelConfig;
  readonly [Conv2DBackpropFilter]: KernelConfig;
  readonly [BatchMatMul]: KernelConfig;
  readonly [_FusedMatMul]: KernelConfig;
}

/** Conv2D and both its gradients, BatchMatMul and _FusedMatMul (without bias or activation), on `engine`, falling back to `wasm`'s. */
export function onnxruntimeGemmKernels(engine: OnnxruntimeGemm, wasm: WasmGemmKernels): KernelConfig[] {
  return [
    onOnnxruntime(wasm[Conv2D], engine, conv2d),
    onOnnxruntime(wasm[Conv2DBackpropInput], engine, transposedConv),
    onOnnxruntime(wasm[Conv2DBackpropFilter], engine, filterGradient),
    onOnnxruntime(wasm[BatchMatMul], engine, matMul),
    onOnnxruntime(wasm[_FusedMatMul], engine, matMul),
  ];
}
