// Over 300 lines on purpose: the sub-pixel (phase) decomposition, its XNNPACK calls and the fallbacks are one kernel.
/**
 * A faster Conv2DBackpropInput for the wasm backend. tfjs-backend-wasm 4.22 ships one, but as a
 * plain scalar C++ loop: on a DCGAN at batch 64 it was ~80% of a training step (~0.5 s per call for
 * [64,7,7,128] -> [64,14,14,64]), and it runs both as the generator's transposed convolutions
 * (forward) and as the discriminator's input gradient. This one hands the work to XNNPACK's
 * Conv2D with the sub-pixel (phase) decomposition of a strided transposed convolution.
 *
 * The math, per spatial axis (NHWC, forward stride s, forward pad `top`, filter W[KH,KW,CI,CO]):
 *
 *   dx[n, ih, ci] = sum_{kh, co} dy[n, oh, co] * W[kh, ci, co]   over ih = oh*s + kh - top
 *
 * Write u = ih + top = m*s + r (phase r in [0, s)). Only the taps kh = r + j*s reach phase r, with
 * oh = m - j, so every phase is an ordinary stride-1 correlation of dy with a sub-filter:
 *
 *   dx_r[m] = sum_j dy[m - j] * W[r + j*s]       j in [0, J_r), J_r = ceil((KH - r) / s)
 *           = conv2d(dy padded by J_r - 1 - m_first at the start, F_r)[m - m_first],
 *             F_r[j'] = W[r + (J_r - 1 - j')*s]
 *
 * where m_first is the first m whose row u lies in [top, top + IH). Each of the s*s phases (rh, rw)
 * is one conv2d computing exactly the rows and columns it contributes (the multiply-adds of the
 * transposed convolution and no more; an earlier version stacked all phases into one conv and
 * cropped, ~20% more work), and `interleavePhases` puts them in place in one pass over the heap.
 * With stride 1 this is the usual "full" correlation with the flipped, transposed filter.
 *
 * Layouts it does not cover (NCHW, unequal strides, padding past the first tap) go to the kernel
 * tfjs ships.
 */
import { Conv2D, Conv2DBackpropInput } from '@tensorflow/tfjs-core';
import type {
  Conv2DBackpropInputAttrs,
  KernelConfig,
  KernelBackend,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import { nhwcConvInfo } from './conv-info.ts';
import { fasterKernel } from './faster-kernel.ts';
import { heapView } from './heap.ts';
import { composed, type Intermediates } from './run-kernel.ts';

const BACKEND = 'wasm';

/** One phase r of one axis: its taps, the output rows it fills, and the padding of its conv. */
export interface PhaseAxis {
  /** J_r: filter taps that reach this phase (0: the phase is all zeros). */
  readonly taps: number;
  /** m of the first output row u = m*s + r inside [pad, pad + size). */
  readonly first: number;
  /** How many rows of the output belong to this phase. */
  readonly count: number;
  readonly padStart: number;
  readonly padEnd: number;
}

/**
 * Phase r of an axis with filter size k, stride s, forward padding `pad`, output (dx) size `size`
 * and dy size `dySize`; undefined when its conv would need negative padding (skipping dy rows).
 */
export function phaseAxis(
  r: number,
  s: number,
  k: number,
  pad: number,
  size: number,
  dySize: number,
): PhaseAxis | undefined {
  const taps = Math.max(0, Math.ceil((k - r) / s));
  const first = Math.ceil((pad - r) / s);
  const last = Math.floor((pad + size - 1 - r) / s);
  const count = Math.max(0, last - first + 1);
  const padStart = taps - 1 - first;
  if (taps > 0 && count > 0 && padStart < 0) return undefined;
  return { taps, first, count, padStart, padEnd: Math.max(0, last - (dySize - 1)) };
}

/**
 * The sub-filter of phase (rh, rw) of W [KH, KW, CI, CO], as a conv2d filter [Jh, Jw, CO, CI]:
 * F[a, b, co, ci] = W[rh + (Jh-1-a)*s, rw + (Jw-1-b)*s, ci, co].
 */
export function phaseFilter(
  w: Float32Array,
  [, kw, ci, co]: readonly [number, number, number, number],
  s: number,
  [rh, rw]: readonly [number, number],
  [jh, jw]: readonly [number, number],
  out: Float32Array = new Float32Array(jh * jw * co * ci),
): Float32Array {
  for (let a = 0; a < jh; a++) {
    const y = rh + (jh - 1 - a) * s;
    for (let b = 0; b < jw; b++) {
      const x = rw + (jw - 1 - b) * s;
      const src = (y * kw + x) * ci * co;
      const dst = (a * jw + b) * co * ci;
      for (let c = 0; c < ci; c++)
        for (let o = 0; o < co; o++) out[dst + o * ci + c] = w[src + c * co + o] as number;
    }
  }
  return out;
}

/**
 * Where a phase's values are: a conv output [N, rows, cols, depth] on the heap whose channels
 * [offset, offset + C) belong to the phase, starting at phase row (m) firstRow and column firstCol.
 * No values: the phase has no taps (zeros).
 */
export interface PhaseOutput {
  readonly values: Float32Array | undefined;
  readonly rows: number;
  readonly cols: number;
  readonly firstRow: number;
  readonly firstCol: number;
  readonly depth: number;
  readonly offset: number;
}

/**
 * dx[n, y, x, c] = phase[(u % s)*s + (v % s)][n, u/s - firstRow, v/s - firstCol, offset + c] with
 * u = y + top, v = x + left (0 for a phase without taps): the phases put back in place in one pass.
 * Row by row, one column phase at a time, so the inner loop is a strided copy with no per-pixel
 * index arithmetic (the per-pixel form cost ~25 ns a pixel, most of the time of a 1-channel layer).
 */
export function interleavePhases(
  phases: readonly PhaseOutput[],
  out: Float32Array,
  [n, height, width, channels]: readonly [number, number, number, number],
  s: number,
  top: number,
  left: number,
): void {
  const outStep = s * channels;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < height; y++) {
      const u = y + top;
      const rh = u % s;
      const m = (u - rh) / s;
      const row = (b * height + y) * width * channels;
      for (let x0 = 0; x0 < s && x0 < width; x0++) {
        const v0 = x0 + left;
        const p = phases[rh * s + (v0 % s)] as PhaseOutput;
        let o = row + x0 * channels;
        const src = p.values;
        if (src === undefined) {
          for (let x = x0; x < width; x += s, o += outStep) out.fill(0, o, o + channels);
          continue;
        }
        const inStep = p.depth;
        let i =
          ((b * p.rows + (m - p.firstRow)) * p.cols + ((v0 - (v0 % s)) / s - p.firstCol)) * p.depth +
          p.offset;
        if (channels === 1) {
          for (let x = x0; x < width; x += s, o += s, i += inStep) out[o] = src[i] as number;
        } else {
          for (let x = x0; x < width; x += s, o += outStep, i += inStep)
            for (let c = 0; c < channels; c++) out[o + c] = src[i + c] as number;
        }
      }
    }
  }
}

/** The geometry both strategies work from. */
interface Geometry {
  readonly s: number;
  readonly filterShape: [number, number, number, number];
  readonly rows: readonly PhaseAxis[];
  readonly cols: readonly PhaseAxis[];
  readonly dx: [number, number, number, number];
  readonly dySize: readonly [number, number];
  readonly top: number;
  readonly left: number;
}

/** A phase whose values will be read once every conv has run (views are taken after the last allocation). */
type PendingPhase = () => PhaseOutput;

/** Conv2D of dy with `filter`, stride 1 and explicit padding (an intermediate of `t`). */
function conv(
  t: Intermediates,
  dy: TensorInfo,
  filter: TensorInfo,
  pads: readonly [readonly [number, number], readonly [number, number]],
): TensorInfo {
  return t.run(
    Conv2D,
    { x: dy, filter },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [...pads[0]], [...pads[1]], [0, 0]],
      dataFormat: 'NHWC',
    },
  );
}

/**
 * One conv per phase, each computing exactly the rows and columns the phase owns. The sub-filters are
 * written straight from the filter's heap memory into tensors on the heap (all allocated first, so
 * the views stay valid): no read-back of W and no copy of each sub-filter into the heap.
 */
function perPhaseConvs(
  b: KernelBackend,
  t: Intermediates,
  dy: TensorInfo,
  filter: TensorInfo,
  g: Geometry,
): PendingPhase[] {
  const ci = g.dx[3];
  const co = g.filterShape[3];
  const phases = g.rows.flatMap((ph, rh) =>
    g.cols.map((pw, rw) => {
      const empty = ph.taps === 0 || pw.taps === 0 || ph.count === 0 || pw.count === 0;
      const taps = [ph.taps, pw.taps] as const;
      return { ph, pw, r: [rh, rw] as const, taps, f: empty ? undefined : t.allocate([...taps, co, ci]) };
    }),
  );
  const w = heapView(b, filter) as Float32Array;
  for (const { r, taps, f } of phases)
    if (f !== undefined) phaseFilter(w, g.filterShape, g.s, r, taps, heapView(b, f) as Float32Array);
  return phases.map(({ ph, pw, f }): PendingPhase => {
    const base = { firstRow: ph.first, firstCol: pw.first, depth: ci, offset: 0 };
    if (f === undefined) return () => ({ ...base, values: undefined, rows: 0, cols: 0 });
    const out = conv(t, dy, f, [
      [ph.padStart, ph.padEnd],
      [pw.padStart, pw.padEnd],
    ]);
    return () => ({
      ...base,
      values: heapView(b, out) as Float32Array,
      rows: out.shape[1]!,
      cols: out.shape[2]!,
    });
  });
}

/**
 * All phases in ONE conv, their filters stacked along the output channels (channel
 * (rh*s + rw)*CI + ci, taps J = ceil(K / s) for every phase, 0 past the filter's edge), computing
 * phase rows m in [0, ceil((top + IH) / s)) for all: more multiply-adds than `perPhaseConvs`, but
 * with few input channels (CI = 1 or 3: an image layer) one conv of s*s*CI outputs beats s*s convs
 * of CI outputs. Undefined when dy has more rows than that (they would have to be cut off first).
 */
function stackedConv(
  b: KernelBackend,
  t: Intermediates,
  dy: TensorInfo,
  filter: TensorInfo,
  g: Geometry,
): PendingPhase[] | undefined {
  const { s, filterShape } = g;
  const ci = g.dx[3];
  const j = [Math.ceil(filterShape[0] / s), Math.ceil(filterShape[1] / s)] as const;
  const m = [Math.ceil((g.top + g.dx[1]) / s), Math.ceil((g.left + g.dx[2]) / s)] as const;
  if (g.dySize[0] > m[0] || g.dySize[1] > m[1]) return undefined;
  const depth = s * s * ci;
  const co = filterShape[3];
  const stackedInfo = t.allocate([j[0], j[1], co, depth]);
  const stacked = (heapView(b, stackedInfo) as Float32Array).fill(0);
  const w = heapView(b, filter) as Float32Array;
  for (let rh = 0; rh < s; rh++) {
    for (let rw = 0; rw < s; rw++) {
      // The phase's own taps, placed at the end of the J x J window (its first taps are the padding).
      const th = Math.max(0, Math.ceil((filterShape[0] - rh) / s));
      const tw = Math.max(0, Math.ceil((filterShape[1] - rw) / s));
      if (th === 0 || tw === 0) continue;
      const f = phaseFilter(w, filterShape, s, [rh, rw], [th, tw]);
      for (let a = 0; a < th; a++)
        for (let c = 0; c < tw; c++)
          for (let o = 0; o < co; o++)
            for (let i = 0; i < ci; i++)
              stacked[
                ((a + j[0] - th) * j[1] + (c + j[1] - tw)) * co * depth + o * depth + (rh * s + rw) * ci + i
              ] = f[((a * tw + c) * co + o) * ci + i] as number;
    }
  }
  const out = conv(t, dy, stackedInfo, [
    [j[0] - 1, m[0] - g.dySize[0]],
    [j[1] - 1, m[1] - g.dySize[1]],
  ]);
  return Array.from({ length: s * s }, (_, p): PendingPhase => () => ({
    values: heapView(b, out) as Float32Array,
    rows: m[0],
    cols: m[1],
    firstRow: 0,
    firstCol: 0,
    depth,
    offset: p * ci,
  }));
}

/**
 * Below this many input channels one stacked conv beats a conv per phase. Per call on a DCGAN layer (k 4 s 2,
 * 1 thread), stacked vs per phase, when this was chosen: CI 1: 1.6 vs 5.2 ms, CI 3: 2.3 vs 4.6, CI 8: even,
 * CI 16: 4.1 vs 4.8, CI 32: 8.0 vs 9.4. The whole training loop with every layer stacked (2026-12-02, one thread,
 * four alternating pairs, medians): 32/32 265 vs 260 images/s, 64/64 85 vs 98, so per phase from 8 channels up.
 */
export const STACKED_BELOW_CHANNELS = 8;

function backpropInput(
  b: KernelBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
): TensorInfo | undefined {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return undefined;
  const filterShape = filter.shape as [number, number, number, number];
  const info = nhwcConvInfo(inputShape, filterShape, strides, pad, dimRoundingMode);
  const s = info.strideHeight;
  if (info.strideWidth !== s) return undefined;
  const [, ih, iw] = inputShape;
  const [, oh, ow] = dy.shape as [number, number, number, number];
  const rows = Array.from({ length: s }, (_, r) =>
    phaseAxis(r, s, info.filterHeight, info.padInfo.top, ih, oh),
  );
  const cols = Array.from({ length: s }, (_, r) =>
    phaseAxis(r, s, info.filterWidth, info.padInfo.left, iw, ow),
  );
  if (rows.some((p) => p === undefined) || cols.some((p) => p === undefined)) return undefined;
  const g: Geometry = {
    s,
    filterShape,
    rows: rows as PhaseAxis[],
    cols: cols as PhaseAxis[],
    dx: [...inputShape],
    dySize: [oh, ow],
    top: info.padInfo.top,
    left: info.padInfo.left,
  };

  return composed(b, BACKEND, (t) => {
    const pending =
      (inputShape[3] < STACKED_BELOW_CHANNELS ? stackedConv(b, t, dy, filter, g) : undefined) ??
      perPhaseConvs(b, t, dy, filter, g);
    const out = t.allocate(g.dx);
    interleavePhases(
      pending.map((phase) => phase()),
      heapView(b, out) as Float32Array,
      g.dx,
      s,
      g.top,
      g.left,
    );
    return out;
  });
}

export const conv2DBackpropInputWasmConfig: KernelConfig = fasterKernel(
  Conv2DBackpropInput,
  ({ inputs, backend, attrs }) => {
    const { dy, filter } = inputs;
    if (dy === undefined || filter === undefined)
      throw new Error('Conv2DBackpropInput needs inputs dy and filter');
    return backpropInput(backend, dy, filter, attrs as unknown as Conv2DBackpropInputAttrs);
  },
);
