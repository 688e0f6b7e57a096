/**
 * Training backends: `selectBackend` picks tensorflow-gpu -> webgpu -> tensorflow -> wasm -> cpu (or the
 * one asked for), starts it, and makes wasm able to train conv GANs (kernels in wasm/).
 */
export type { BackendInfo, BackendName, WasmGemm } from './types.ts';
export { BACKEND_ORDER } from './types.ts';
export { selectBackend } from './select-backend.ts';
export { timeKernels, type KernelTally, type KernelTimes } from './kernel-timer.ts';
export { describeAdapter, probeAdapter } from './webgpu/adapter-probe.ts';
export type { AdapterInfo, AdapterProbe } from './webgpu/adapter-probe.ts';
export type { SelectBackendOptions } from './select-backend.ts';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './wasm/register-training-kernels.ts';
export type { WasmTrainingKernel } from './wasm/register-training-kernels.ts';
export { ADAM_UPDATE, WASM_VECTOR_FROM, type AdamUpdateAttrs } from './fused/adam-update.ts';
