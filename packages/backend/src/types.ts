/** The training backends ganforge knows, fastest first. */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** What `selectBackend` chose: printed at start and written into a run's metadata. */
export interface BackendInfo {
  /** ganforge's name for the backend. */
  name: BackendName;
  /** The name tfjs knows it by (`tf.getBackend()`): 'tensorflow', 'wasm' or 'cpu'. */
  tfjsName: string;
  /** Version of the npm package that provides the backend. */
  version: string;
  /** Worker threads the backend computes with (1 = single-threaded). */
  threads: number;
  /** Whether WebAssembly SIMD is in use (wasm only). */
  simd?: boolean;
  /** What computes convolutions and matmuls (wasm only), e.g. "onnxruntime-node 1.30.0, 1 thread" or "XNNPACK (wasm)". */
  gemm?: string;
  /** The GPU adapter Dawn chose (webgpu only), e.g. "NVIDIA H200 (nvidia, hopper)". */
  adapter?: string;
}

/** Where the wasm backend runs convolutions and matmuls: onnxruntime-node's native kernels, or XNNPACK inside wasm. */
export type WasmGemm = 'onnxruntime' | 'xnnpack';

/** Order tried by `selectBackend('auto')`. */
export const BACKEND_ORDER: readonly BackendName[] = [
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'wasm',
  'cpu',
];
