import {
  _FusedMatMul,
  BatchMatMul,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  getKernel,
  registerKernel,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputWasmConfig } from './conv2d-backprop-input.ts';
import { MISSING_ON_WASM, WRONG_ON_WASM } from './cpu-fallback.ts';
import { batchMatMulWasmConfig, fusedMatMulWasmConfig } from './mat-mul.ts';
import { adamUpdateWasmConfig } from '../fused/adam-update.ts';
import { registerLeakyReluGradient } from '../gradients/leaky-relu-grad.ts';
import { batchNormWasmConfig } from './batch-norm.ts';
import { identityWasmConfig } from './identity.ts';
import { leakyReluWasmConfig } from './leaky-relu.ts';
import { meanWasmConfig, sumWasmConfig } from './reduce-leading-axes.ts';
import { sqrtWasmConfig } from './sqrt.ts';
import { tanhWasmConfig } from './tanh.ts';
import { tileWasmConfig } from './tile.ts';
import { gatherWasmConfig } from './gather.ts';
import { unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.ts';
import { shippedKernel } from './faster-kernel.ts';
import { ONNXRUNTIME_GEMM_KERNELS, onnxruntimeGemmKernels } from '../native-gemm/gemm-kernels.ts';
import type { OnnxruntimeGemm } from '../native-gemm/onnxruntime-gemm.ts';

/** tfjs-backend-wasm's own Conv2D (XNNPACK), read before anything is registered over it. */
const SHIPPED_CONV2D = shippedKernel(Conv2D);

export interface WasmTrainingKernel {
  config: KernelConfig;
  /**
   * 'missing': tfjs-backend-wasm 4.22 has no such kernel. 'faster': it has one, too slow to train
   * with. 'wrong': it has one that computes wrong results.
   */
  why: 'missing' | 'faster' | 'wrong';
}

/** Kernels GAN training needs on wasm beyond what tfjs-backend-wasm 4.22 ships. */
export const WASM_TRAINING_KERNELS: readonly WasmTrainingKernel[] = [
  { config: conv2DBackpropFilterWasmConfig, why: 'missing' },
  { config: adamUpdateWasmConfig, why: 'missing' },
  { config: unsortedSegmentSumWasmConfig, why: 'missing' },
  { config: conv2DBackpropInputWasmConfig, why: 'faster' },
  { config: batchMatMulWasmConfig, why: 'faster' },
  { config: fusedMatMulWasmConfig, why: 'faster' },
  { config: tileWasmConfig, why: 'faster' },
  { config: gatherWasmConfig, why: 'faster' },
  { config: identityWasmConfig, why: 'faster' },
  { config: leakyReluWasmConfig, why: 'faster' },
  { config: sqrtWasmConfig, why: 'faster' },
  { config: tanhWasmConfig, why: 'faster' },
  { config: sumWasmConfig, why: 'faster' },
  { config: meanWasmConfig, why: 'faster' },
  { config: batchNormWasmConfig, why: 'faster' },
  ...WRONG_ON_WASM.map((config) => ({ config, why: 'wrong' as const })),
  ...MISSING_ON_WASM.map((config) => ({ config, why: 'missing' as const })),
];

/** What `registerWasmTrainingKernels` registers beyond the list. */
export interface WasmKernelOptions {
  /**
   * Run Conv2D, both its gradients, BatchMatMul and plain _FusedMatMul on onnxruntime's native
   * kernels (native-gemm/); undefined: on XNNPACK inside wasm.
   */
  readonly gemm?: OnnxruntimeGemm;
}

/**
 * Registers them in tfjs's (global) kernel registry. Idempotent. A 'missing' kernel that a later
 * tfjs-backend-wasm ships itself is left alone; 'faster' and 'wrong' ones replace the shipped kernel.
 * With `gemm`, the convolution and matmul kernels then go over to onnxruntime; without, any that an
 * earlier call put there come back to wasm. Returns the names registered by this call.
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): string[] {
  registerLeakyReluGradient();
  const added: string[] = [];
  const put = (config: KernelConfig): void => {
    if (getKernel(config.kernelName, config.backendName) !== undefined)
      unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
    added.push(config.kernelName);
  };
  for (const { config, why } of WASM_TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined && why === 'missing' && !ONNXRUNTIME_GEMM_KERNELS.has(current)) continue;
    put(config);
  }
  const conv2d = getKernel(Conv2D, 'wasm');
  if (options.gemm !== undefined) {
    if (SHIPPED_CONV2D === undefined) throw new Error('tfjs-backend-wasm registered no Conv2D');
    const wasm = {
      [Conv2D]: SHIPPED_CONV2D,
      [Conv2DBackpropInput]: conv2DBackpropInputWasmConfig,
      [Conv2DBackpropFilter]: conv2DBackpropFilterWasmConfig,
      [BatchMatMul]: batchMatMulWasmConfig,
      [_FusedMatMul]: fusedMatMulWasmConfig,
    };
    for (const config of onnxruntimeGemmKernels(options.gemm, wasm)) put(config);
  } else if (conv2d !== undefined && ONNXRUNTIME_GEMM_KERNELS.has(conv2d) && SHIPPED_CONV2D !== undefined) {
    put(SHIPPED_CONV2D);
  }
  return added;
}
