/**
 * The convolutions and matrix products of a training step as one-op ONNX models on tfjs's tensors, for
 * onnxruntime's CPU kernels (MLAS: im2col + an AVX2/AVX-512 FMA SGEMM where the CPU has them).
 * Each model takes tfjs's layouts as they are and returns tfjs's layout; the transposes to ONNX's
 * NCHW and back run inside onnxruntime. The filter is an input, not an initializer: it changes
 * every step.
 *
 * - conv2d: x [N,H,W,CI], filter [KH,KW,CI,CO] -> [N,OH,OW,CO] (ONNX Conv).
 * - transposedConv (Conv2DBackpropInput): dy [N,OH,OW,CO], filter [KH,KW,CI,CO] -> [N,IH,IW,CI]
 *   (ONNX ConvTranspose: the gradient of Conv with the same pads, its output_padding giving back the
 *   rows a strided forward conv never read).
 * - filterGradient (Conv2DBackpropFilter): with the input channel as the batch and the batch as the
 *   channel, the filter gradient is a stride-1 convolution of x by dy dilated by the stride:
 *     dW[kh,kw,ci,co] = sum_{n,oh,ow} x[n, oh*s + kh - top, ow*s + kw - left, ci] * dy[n,oh,ow,co]
 *   = Conv(X = x as [CI,N,H,W], W = dy as [CO,N,OH,OW], dilations s, pads top/left and whatever
 *   makes KH x KW outputs at the end) -> [CI,CO,KH,KW] -> [KH,KW,CI,CO].
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

const onnx: typeof OnnxNamespace = onnxProto.onnx;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INTS = onnx.AttributeProto.AttributeType.INTS;

/** Zero-padding of a 2-D convolution's input on each side (rows, then columns). */
export interface Pads {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

type Shape4 = readonly [number, number, number, number];

const ints = (name: string, values: readonly number[]): OnnxNamespace.IAttributeProto => ({
  name,
  type: INTS,
  ints: [...values],
});

const valueInfo = (name: string, dims: readonly number[]): OnnxNamespace.IValueInfoProto => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
});

const transpose = (input: string, output: string, perm: readonly number[]): OnnxNamespace.INodeProto => ({
  opType: 'Transpose',
  input: [input],
  output: [output],
  attribute: [ints('perm', perm)],
});

/** A model with inputs a and b and output y, as protobuf bytes (`opset` 17: Gemm, Conv, ConvTranspose as in 11+). */
function model(
  nodes: OnnxNamespace.INodeProto[],
  a: readonly number[],
  b: readonly number[],
  y: readonly number[],
): Uint8Array {
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'ganforge',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'conv',
        node: nodes,
        input: [valueInfo('a', a), valueInfo('b', b)],
        output: [valueInfo('y', y)],
      },
    }),
  ).finish();
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];
/** tfjs filter [KH,KW,CI,CO] -> ONNX Conv weight [CO,CI,KH,KW] (and ConvTranspose's [C_in = CO, C_out = CI] reads it the same way). */
const HWIO_TO_OIHW = [3, 2, 0, 1];

const padsAttr = (p: Pads): OnnxNamespace.IAttributeProto => ints('pads', [p.top, p.left, p.bottom, p.right]);

/** ONNX's NCHW `opType` between tfjs's layouts: a NHWC, b a tfjs filter [KH,KW,CI,CO], y NHWC. */
function betweenTfjsLayouts(
  opType: string,
  attribute: OnnxNamespace.IAttributeProto[],
  a: Shape4,
  b: Shape4,
  y: Shape4,
): Uint8Array {
  return model(
    [
      transpose('a', 'an', NHWC_TO_NCHW),
      transpose('b', 'wn', HWIO_TO_OIHW),
      { opType, input: ['an', 'wn'], output: ['yn'], attribute },
      transpose('yn', 'y', NCHW_TO_NHWC),
    ],
    a,
    b,
    y,
  );
}

/** a = x [N,H,W,CI], b = filter [KH,KW,CI,CO] -> y [N,OH,OW,CO]. */
export function conv2dModel(
  x: Shape4,
  filter: Shape4,
  out: Shape4,
  strides: readonly [number, number],
  dilations: readonly [number, number],
  pads: Pads,
): Uint8Array {
  const attributes = [ints('strides', strides), ints('dilations', dilations), padsAttr(pads)];
  return betweenTfjsLayouts('Conv', attributes, x, filter, out);
}

/**
 * a = dy [N,OH,OW,CO], b = filter [KH,KW,CI,CO] -> y = dx [N,IH,IW,CI], the gradient of conv2d with
 * these strides and pads. `outputPadding` (in [0, stride)) = the rows and columns past the last
 * ones the forward conv read.
 */
export function transposedConvModel(
  dy: Shape4,
  filter: Shape4,
  dx: Shape4,
  strides: readonly [number, number],
  pads: Pads,
  outputPadding: readonly [number, number],
): Uint8Array {
  const attributes = [ints('strides', strides), padsAttr(pads), ints('output_padding', outputPadding)];
  return betweenTfjsLayouts('ConvTranspose', attributes, dy, filter, dx);
}

/**
 * a = x [N,H,W,CI], b = dy [N,OH,OW,CO] -> y = dW [KH,KW,CI,CO]. `pads` here are the dilated
 * conv's: the forward conv's top/left, and at the end what makes exactly KH (KW) outputs (>= 0).
 */
export function filterGradientModel(
  x: Shape4,
  dy: Shape4,
  filterShape: Shape4,
  strides: readonly [number, number],
  pads: Pads,
): Uint8Array {
  return model(
    [
      transpose('a', 'xn', [3, 0, 1, 2]), // [CI, N, H, W]
      transpose('b', 'dyn', [3, 0, 1, 2]), // [CO, N, OH, OW]
      {
        opType: 'Conv',
        input: ['xn', 'dyn'],
        output: ['yn'], // [CI, CO, KH, KW]
        attribute: [ints('dilations', strides), padsAttr(pads)],
      },
      transpose('yn', 'y', [2, 3, 0, 1]),
    ],
    x,
    dy,
    filterShape,
  );
}

/**
 * a [rows_a, cols_a], b [rows_b, cols_b] -> y = op(a) op(b) [M, N], op = transpose where asked (ONNX
 * Gemm with transA/transB: MLAS reads a transposed operand in place, no Transpose kernel first).
 * A dense layer's backward pass: dW = x^T dy (transposeA), dx = dy W^T (transposeB).
 */
export function matMulModel(
  a: readonly [number, number],
  b: readonly [number, number],
  transposeA: boolean,
  transposeB: boolean,
): Uint8Array {
  const m = transposeA ? a[1] : a[0];
  const n = transposeB ? b[0] : b[1];
  const INT = onnx.AttributeProto.AttributeType.INT;
  return model(
    [
      {
        opType: 'Gemm',
        input: ['a', 'b'],
        output: ['y'],
        attribute: [
          { name: 'transA', type: INT, i: transposeA ? 1 : 0 },
          { name: 'transB', type: INT, i: transposeB ? 1 : 0 },
        ],
      },
    ],
    a,
    b,
    [m, n],
  );
}
