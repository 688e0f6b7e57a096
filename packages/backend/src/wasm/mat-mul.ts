/**
 * BatchMatMul and _FusedMatMul for the wasm backend when an operand is transposed.
 *
 * tfjs-backend-wasm 4.22 hands a matmul to XNNPACK's fully-connected operator only when neither
 * operand is transposed (and the batch is 1); with transposeA or transposeB it runs a scalar
 * blocked loop at ~1-2 GFLOP/s. Every dense layer's backward pass is exactly that: dW = x^T dy
 * (transposeA) and dx = dy W^T (transposeB). On an MLP GAN they were ~80% of a training step.
 * Here the transposed operand is first materialized by the (XNNPACK) Transpose kernel, then the
 * shipped kernel takes its fast path: the transpose is O(rows x cols), the product O(rows x cols x k).
 *
 * Batched products (a batch larger than 1) keep the shipped kernel.
 */
import { _FusedMatMul, BatchMatMul, Transpose, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { fasterKernel, shippedKernel } from './faster-kernel.ts';
import { composed } from './run-kernel.ts';

const BACKEND = 'wasm';

/** Swaps the last two axes. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

const batchOf = (t: TensorInfo): number => util.sizeFromShape(t.shape.slice(0, -2));

/** `name` with transposed operands transposed first, so the shipped kernel takes its XNNPACK path. */
function untransposed(name: string): KernelConfig {
  const shipped = shippedKernel(name);
  return fasterKernel(name, (args) => {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (shipped === undefined || a === undefined || b === undefined || a.dtype !== 'float32')
      return undefined;
    if ((!transposeA && !transposeB) || batchOf(a) !== 1 || batchOf(b) !== 1) return undefined;
    return composed(backend, BACKEND, (t) => {
      const flip = (x: TensorInfo): TensorInfo =>
        t.run(Transpose, { x }, { perm: swapLastTwo(x.shape.length) });
      return shipped.kernelFunc({
        inputs: { ...inputs, a: transposeA ? flip(a) : a, b: transposeB ? flip(b) : b },
        backend,
        attrs: { ...(attrs as NamedAttrMap), transposeA: false, transposeB: false },
      }) as TensorInfo;
    });
  });
}

export const batchMatMulWasmConfig: KernelConfig = untransposed(BatchMatMul);
export const fusedMatMulWasmConfig: KernelConfig = untransposed(_FusedMatMul);
