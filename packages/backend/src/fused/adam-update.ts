/**
 * One Adam update of one variable as ONE kernel (wasm and cpu backends): tfjs's Adam spends ~14
 * kernels per variable per step (mul, add, square, div, sqrt, ...) and a temporary tensor for each;
 * on an MLP GAN that is about a third of all the kernels of a step, each with its fixed dispatch
 * cost. The arithmetic is tfjs's, operation for operation, each result rounded to float32 as the
 * backends round them, so the new weights and moments are bit-identical to tf.train.adam's:
 *
 *   m' = m*b1 + g*(1-b1)          v' = v*b2 + g*g*(1-b2)
 *   w' = (m' / (1 - b1^t)) / (sqrt(v' / (1 - b2^t)) + eps) * -lr + w
 *
 * (Kingma & Ba, "Adam: A Method for Stochastic Optimization", 2015, Algorithm 1, in tfjs's form.)
 */
import { Add, Multiply, RealDiv, Sqrt, Square, util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { allocate, heapView } from '../wasm/heap.ts';
import { composed } from '../wasm/run-kernel.ts';

/** The kernel's registered name (not a tfjs kernel). */
export const ADAM_UPDATE = 'GanforgeAdamUpdate';

export interface AdamUpdateAttrs {
  readonly beta1: number;
  readonly beta2: number;
  readonly learningRate: number;
  readonly epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t for this step, as float32 (tfjs: sub(1, accBeta)). */
  readonly oneMinusAccBeta1: number;
  readonly oneMinusAccBeta2: number;
}

const f32 = Math.fround;

/** w, m, v <- one Adam step with gradient g, written into the `out*` arrays (which may alias the inputs). */
export function adamUpdateInto(
  w: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  out: { w: Float32Array; m: Float32Array; v: Float32Array },
  a: AdamUpdateAttrs,
): void {
  const b1 = f32(a.beta1);
  const c1 = f32(1 - a.beta1);
  const b2 = f32(a.beta2);
  const c2 = f32(1 - a.beta2);
  const eps = f32(a.epsilon);
  const step = f32(-a.learningRate);
  const d1 = f32(a.oneMinusAccBeta1);
  const d2 = f32(a.oneMinusAccBeta2);
  for (let i = 0; i < w.length; i++) {
    const gi = g[i] as number;
    const mi = f32(f32((m[i] as number) * b1) + f32(gi * c1));
    const vi = f32(f32((v[i] as number) * b2) + f32(f32(gi * gi) * c2));
    const denom = f32(f32(Math.sqrt(f32(vi / d2))) + eps);
    out.w[i] = f32(f32(f32(f32(mi / d1) / denom) * step) + (w[i] as number));
    out.m[i] = mi;
    out.v[i] = vi;
  }
}

/**
 * On wasm, past this many elements the same arithmetic runs faster as XNNPACK's vectorized
 * elementwise kernels called from inside this one (still one engine dispatch) than as the
 * JavaScript loop (~9 ns per element: three divisions and a square root per element).
 */
export const WASM_VECTOR_FROM = 16_384;

/** The update as the backend's own elementwise kernels, in tfjs's order: bit-identical on wasm. */
function adamUpdateByKernels(
  b: KernelBackend,
  inputs: Record<'value' | 'm' | 'v' | 'gradient', TensorInfo>,
  a: AdamUpdateAttrs,
): TensorInfo[] {
  const { value, m, v, gradient: g } = inputs;
  return composed(b, 'wasm', (t) => {
    const mul = (x: TensorInfo, y: TensorInfo): TensorInfo => t.run(Multiply, { a: x, b: y });
    const add = (x: TensorInfo, y: TensorInfo): TensorInfo => t.run(Add, { a: x, b: y });
    const div = (x: TensorInfo, y: TensorInfo): TensorInfo => t.run(RealDiv, { a: x, b: y });
    const m1 = add(mul(m, t.scalar(a.beta1)), mul(g, t.scalar(1 - a.beta1)));
    const v1 = add(mul(v, t.scalar(a.beta2)), mul(t.run(Square, { x: g }), t.scalar(1 - a.beta2)));
    const denom = add(t.run(Sqrt, { x: div(v1, t.scalar(a.oneMinusAccBeta2)) }), t.scalar(a.epsilon));
    const w1 = add(mul(div(div(m1, t.scalar(a.oneMinusAccBeta1)), denom), t.scalar(-a.learningRate)), value);
    return [w1, m1, v1];
  });
}

type Read = (backend: KernelBackend, t: TensorInfo) => Float32Array;
type Make = (backend: KernelBackend, shape: number[]) => { info: TensorInfo; values: () => Float32Array };

function adamKernel(backendName: string, read: Read, make: Make, vectorFrom = Infinity): KernelConfig {
  return {
    kernelName: ADAM_UPDATE,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { value, m, v, gradient } = inputs;
      if (value === undefined || m === undefined || v === undefined || gradient === undefined)
        throw new Error(`${ADAM_UPDATE} needs value, m, v and gradient`);
      const b = backend as KernelBackend;
      const a = attrs as unknown as AdamUpdateAttrs;
      if (util.sizeFromShape(value.shape) >= vectorFrom)
        return adamUpdateByKernels(b, { value, m, v, gradient }, a);
      const outs = [make(b, value.shape), make(b, value.shape), make(b, value.shape)] as const;
      // Read views only after every allocation (a wasm heap that grows detaches older views).
      adamUpdateInto(
        read(b, value),
        read(b, m),
        read(b, v),
        read(b, gradient),
        { w: outs[0].values(), m: outs[1].values(), v: outs[2].values() },
        a,
      );
      return outs.map((o) => o.info);
    },
  };
}

export const adamUpdateWasmConfig = adamKernel(
  'wasm',
  (b, t) => heapView(b, t) as Float32Array,
  (b, shape) => {
    const info = allocate(b, shape, 'float32');
    return { info, values: () => heapView(b, info) as Float32Array };
  },
  WASM_VECTOR_FROM,
);

/** The cpu backend keeps each tensor's values as a plain typed array (readSync returns it, uncopied). */
export const adamUpdateCpuConfig = adamKernel(
  'cpu',
  (b, t) => b.readSync(t.dataId) as Float32Array,
  (b, shape) => {
    const values = new Float32Array(util.sizeFromShape(shape));
    const info = { dataId: b.write(values, shape, 'float32'), shape, dtype: 'float32' as const };
    return { info, values: () => values };
  },
);
