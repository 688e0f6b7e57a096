import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
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

/**
 * Registers them in tfjs's (global) kernel registry. Idempotent. A 'missing' kernel that a later
 * tfjs-backend-wasm ships itself is left alone; 'faster' and 'wrong' ones replace the shipped kernel.
 * Returns the names registered by this call.
 */
export function registerWasmTrainingKernels(): string[] {
  registerLeakyReluGradient();
  const added: string[] = [];
  for (const { config, why } of WASM_TRAINING_KERNELS) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current === config) continue;
    if (current !== undefined) {
      if (why === 'missing') continue;
      unregisterKernel(config.kernelName, config.backendName);
    }
    registerKernel(config);
    added.push(config.kernelName);
  }
  return added;
}
