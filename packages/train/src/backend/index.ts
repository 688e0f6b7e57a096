/**
 * Training backends: `selectBackend` picks tensorflow-gpu -> tensorflow -> wasm -> cpu (or the
 * one asked for), starts it, and makes wasm able to train conv GANs (kernels in wasm/).
 */
export type { BackendInfo, BackendName } from './types.ts';
export { BACKEND_ORDER } from './types.ts';
export { selectBackend } from './selectBackend.ts';
export type { SelectBackendOptions } from './selectBackend.ts';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm/registerTrainingKernels.ts';
export type { WasmTrainingKernel } from './wasm/registerTrainingKernels.ts';
