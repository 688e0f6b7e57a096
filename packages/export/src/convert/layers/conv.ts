import type { Value } from '../../onnx/graph.ts';
import { intAttr, intsAttr } from '../../onnx/proto.ts';
import type { LayerConverter, LayerInfo } from '../layer.ts';
import { pair, unsupported, weight } from '../layer.ts';
import type { AxisPads, PaddingMode } from '../padding.ts';
import {
  convOutputSize,
  convPads,
  convTransposeOutputSize,
  convTransposePads,
  onnxConvTransposeOutputSize,
} from '../padding.ts';
import { permute } from '../permute.ts';
import { applyActivation } from './activation.ts';

interface ConvSettings {
  readonly kernel: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
}

function settings(layer: LayerInfo, x: Value): ConvSettings {
  if (x.shape.length !== 3)
    throw unsupported(layer, `input of rank ${x.shape.length + 1} (needs [N, H, W, C])`);
  const dataFormat = layer.config.dataFormat ?? 'channelsLast';
  if (dataFormat !== 'channelsLast') throw unsupported(layer, `dataFormat '${String(dataFormat)}'`);
  const dilation = pair(layer, 'dilationRate', 1);
  if (dilation[0] !== 1 || dilation[1] !== 1)
    throw unsupported(layer, `dilationRate [${dilation.join(', ')}]`);
  const padding = layer.config.padding ?? 'valid';
  if (padding !== 'same' && padding !== 'valid') throw unsupported(layer, `padding '${String(padding)}'`);
  const [inH, inW, inC] = x.shape as [number, number, number];
  return { kernel: pair(layer, 'kernelSize', 1), strides: pair(layer, 'strides', 1), padding, inH, inW, inC };
}

function checkShape(layer: LayerInfo, computed: readonly number[]): void {
  if (computed.join(',') !== layer.outputShape.join(',')) {
    throw unsupported(
      layer,
      `computed output [N, ${computed.join(', ')}] differs from tfjs [N, ${layer.outputShape.join(', ')}]`,
    );
  }
}

/** Throws unless the kernel is [kh, kw] as the layer's kernelSize says and takes the input's `inC` channels. */
function checkKernel(
  layer: LayerInfo,
  input: Value,
  s: ConvSettings,
  shape: readonly number[],
  inC: number,
): void {
  if (shape[0] !== s.kernel[0] || shape[1] !== s.kernel[1] || inC !== s.inC) {
    throw unsupported(layer, `kernel [${shape.join(', ')}] for input [N, ${input.shape.join(', ')}]`);
  }
}

function biasInput(g: Parameters<LayerConverter>[0], layer: LayerInfo): string[] {
  if (layer.config.useBias === false) return [];
  const b = weight(layer, 'bias');
  return [g.floatInit(`${layer.name}/bias`, b.shape, b.values)];
}

/**
 * The Conv or ConvTranspose node of `layer` on its input made NCHW: the tfjs kernel permuted [3, 2, 0, 1] into
 * ONNX's layout, the bias if any, explicit pads [top, left, bottom, right], and ConvTranspose's output_padding.
 */
function convNode(
  g: Parameters<LayerConverter>[0],
  op: 'Conv' | 'ConvTranspose',
  input: Value,
  layer: LayerInfo,
  kernel: ReturnType<typeof weight>,
  strides: readonly [number, number],
  [ph, pw]: readonly [AxisPads, AxisPads],
  outputPadding?: readonly [number, number],
): string {
  const x = g.toNchw(input, layer.name);
  const w = permute(kernel.values, kernel.shape, [3, 2, 0, 1]);
  const wName = g.floatInit(`${layer.name}/kernel`, w.shape, w.values);
  return g.node(op, [x.name, wName, ...biasInput(g, layer)], layer.name, [
    intsAttr('kernel_shape', kernel.shape.slice(0, 2)),
    intsAttr('strides', strides),
    intsAttr('pads', [ph.begin, pw.begin, ph.end, pw.end]),
    ...(outputPadding ? [intsAttr('output_padding', outputPadding)] : []),
    intsAttr('dilations', [1, 1]),
    intAttr('group', 1),
  ]);
}

/** Conv2D: kernel [kh, kw, in, out] -> ONNX [out, in, kh, kw]; explicit pads [top, left, bottom, right]. */
export const convertConv2D: LayerConverter = (g, input, layer) => {
  const s = settings(layer, input);
  const kernel = weight(layer, 'kernel');
  const [kh, kw, inC, filters] = kernel.shape as [number, number, number, number];
  checkKernel(layer, input, s, kernel.shape, inC);
  const ph = convPads(s.padding, s.inH, kh, s.strides[0]);
  const pw = convPads(s.padding, s.inW, kw, s.strides[1]);
  const outShape = [
    convOutputSize(s.padding, s.inH, kh, s.strides[0]),
    convOutputSize(s.padding, s.inW, kw, s.strides[1]),
    filters,
  ];
  checkShape(layer, outShape);
  const name = convNode(g, 'Conv', input, layer, kernel, s.strides, [ph, pw]);
  return applyActivation(g, { name, shape: outShape, layout: 'nchw' }, layer, layer.config.activation);
};

/**
 * Conv2DTranspose: kernel [kh, kw, out, in] -> ONNX [in, out, kh, kw]; 'same' crops max(k - s, 0) (extra pixel at
 * the end), output_padding = max(s - k, 0).
 */
export const convertConv2DTranspose: LayerConverter = (g, input, layer) => {
  const s = settings(layer, input);
  const kernel = weight(layer, 'kernel');
  const [kh, kw, filters, inC] = kernel.shape as [number, number, number, number];
  checkKernel(layer, input, s, kernel.shape, inC);
  const ph = convTransposePads(s.padding, kh, s.strides[0]);
  const pw = convTransposePads(s.padding, kw, s.strides[1]);
  const outH = convTransposeOutputSize(s.padding, s.inH, kh, s.strides[0]);
  const outW = convTransposeOutputSize(s.padding, s.inW, kw, s.strides[1]);
  if (
    onnxConvTransposeOutputSize(s.inH, kh, s.strides[0], ph) !== outH ||
    onnxConvTransposeOutputSize(s.inW, kw, s.strides[1], pw) !== outW
  ) {
    throw unsupported(
      layer,
      `padding '${s.padding}' with kernel ${kh}x${kw} and strides ${s.strides.join('x')}`,
    );
  }
  checkShape(layer, [outH, outW, filters]);
  const name = convNode(
    g,
    'ConvTranspose',
    input,
    layer,
    kernel,
    s.strides,
    [ph, pw],
    [ph.outputPadding, pw.outputPadding],
  );
  return applyActivation(
    g,
    { name, shape: [outH, outW, filters], layout: 'nchw' },
    layer,
    layer.config.activation,
  );
};
