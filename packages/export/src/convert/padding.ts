/**
 * Explicit ONNX pads that reproduce tfjs 'same'/'valid' padding (docs/techniques.md#onnx-export).
 * tfjs puts the odd extra pixel of 'same' padding at the END of an axis (ONNX SAME_UPPER); we always write the
 * pads out rather than rely on auto_pad.
 */
export type PaddingMode = 'same' | 'valid';

export interface AxisPads {
  readonly begin: number;
  readonly end: number;
}

function split(total: number): AxisPads {
  const begin = Math.floor(total / 2);
  return { begin, end: total - begin };
}

/** Conv2D: total = max((ceil(in/s) - 1) * s + k - in, 0) for 'same', 0 for 'valid'. */
export function convPads(mode: PaddingMode, size: number, kernel: number, stride: number): AxisPads {
  if (mode === 'valid') return { begin: 0, end: 0 };
  return split(Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0));
}

/** Output size of a tfjs Conv2D along one axis. */
export function convOutputSize(mode: PaddingMode, size: number, kernel: number, stride: number): number {
  return mode === 'same' ? Math.ceil(size / stride) : Math.ceil((size - kernel + 1) / stride);
}

export interface TransposeAxisPads extends AxisPads {
  /** ONNX ConvTranspose output_padding: extra rows/columns added at the end of the axis. */
  readonly outputPadding: number;
}

/**
 * Conv2DTranspose: 'same' crops total = max(k - s, 0) (split as above); both modes add output_padding =
 * max(s - k, 0), because tfjs' output size is in*s ('same') or in*s + max(k - s, 0) ('valid').
 */
export function convTransposePads(mode: PaddingMode, kernel: number, stride: number): TransposeAxisPads {
  const outputPadding = Math.max(stride - kernel, 0);
  if (mode === 'valid') return { begin: 0, end: 0, outputPadding };
  return { ...split(Math.max(kernel - stride, 0)), outputPadding };
}

/** Output size of a tfjs Conv2DTranspose along one axis. */
export function convTransposeOutputSize(
  mode: PaddingMode,
  size: number,
  kernel: number,
  stride: number,
): number {
  return mode === 'same' ? size * stride : size * stride + Math.max(kernel - stride, 0);
}

/** Output size of an ONNX ConvTranspose with explicit pads (dilation 1). */
export function onnxConvTransposeOutputSize(
  size: number,
  kernel: number,
  stride: number,
  p: TransposeAxisPads,
): number {
  return stride * (size - 1) + p.outputPadding + kernel - p.begin - p.end;
}
