/**
 * Picks the tfjs backend training runs on. `tf.setBackend` is global engine state: this module is
 * the one place in ganforge that calls it.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { version_cpu } from '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { GanforgeError } from '@ganforge/core';
import { BACKEND_PACKAGE, INSTALL_HINT } from './install-hints.ts';
import { loadNativeBackend } from './native-backend.ts';
import { BACKEND_ORDER } from './types.ts';
import type { BackendInfo, BackendName, WasmGemm } from './types.ts';
import { loadOnnxruntimeNative } from './native-gemm/onnxruntime-native.ts';
import { OnnxruntimeGemm } from './native-gemm/onnxruntime-gemm.ts';
import { ADAM_UPDATE, adamUpdateCpuConfig } from './fused/adam-update.ts';
import { registerWasmTrainingKernels } from './wasm/register-training-kernels.ts';
import { defaultWasmThreads, startWasm, wasmSimd, wasmThreads } from './wasm/setup-wasm.ts';
import { prepareWebgpu } from './webgpu/webgpu-backend.ts';

/** Why a backend could not be used: `missing` = its package is not installed. */
interface Unavailable {
  missing: boolean;
  reason: string;
}

type Attempt = { info: BackendInfo } | { unavailable: Unavailable };

async function activate(tfjsName: string): Promise<boolean> {
  try {
    return await tf.setBackend(tfjsName);
  } catch {
    return false;
  }
}

async function tryNative(name: 'tensorflow-gpu' | 'tensorflow'): Promise<Attempt> {
  const loaded = await loadNativeBackend(BACKEND_PACKAGE[name]);
  if (!loaded.ok) return { unavailable: loaded };
  if (!(await activate('tensorflow'))) {
    return { unavailable: { missing: false, reason: 'the tensorflow backend failed to initialize' } };
  }
  // tfjs-node-gpu without a usable CUDA device quietly runs libtensorflow on the CPU: say so.
  const onGpu = (tf.backend() as { isUsingGpuDevice?: unknown }).isUsingGpuDevice;
  const actual: BackendName = name === 'tensorflow-gpu' && onGpu === false ? 'tensorflow' : name;
  // libtensorflow's intra-op pool uses every core by default.
  const threads = os.availableParallelism();
  return { info: { name: actual, tfjsName: 'tensorflow', version: loaded.version, threads } };
}

async function tryWebgpu(): Promise<Attempt> {
  const prepared = await prepareWebgpu();
  if (!prepared.ok) return { unavailable: prepared };
  if (!(await activate('webgpu'))) {
    return { unavailable: { missing: false, reason: 'the webgpu backend failed to initialize its device' } };
  }
  return {
    info: {
      name: 'webgpu',
      tfjsName: 'webgpu',
      version: prepared.version,
      threads: 1,
      adapter: prepared.adapter,
    },
  };
}

/** Environment variable that sets where wasm runs convolutions and matmuls ('onnxruntime' or 'xnnpack') unless told. */
export const WASM_GEMM_ENV = 'GANFORGE_WASM_GEMM';

/** `wasmGemm` unless given: GANFORGE_WASM_GEMM when it names one, else 'onnxruntime'. */
export function defaultWasmGemm(env: NodeJS.ProcessEnv = process.env): WasmGemm {
  const set = env[WASM_GEMM_ENV];
  if (set === undefined || set === '') return 'onnxruntime';
  if (set === 'onnxruntime' || set === 'xnnpack') return set;
  throw new GanforgeError(
    'bad_backend',
    `${WASM_GEMM_ENV}=${set} names no engine for convolutions and matmuls`,
    {
      hint: `set ${WASM_GEMM_ENV} to onnxruntime or xnnpack, or unset it`,
    },
  );
}

async function tryWasm(threads: number | undefined, gemm: WasmGemm = defaultWasmGemm()): Promise<Attempt> {
  registerWasmTrainingKernels();
  const native = gemm === 'onnxruntime' ? loadOnnxruntimeNative() : undefined;
  const onOnnxruntime = native !== undefined && !('unavailable' in native);
  const wanted =
    threads ?? defaultWasmThreads(undefined, undefined, onOnnxruntime ? 'onnxruntime' : 'xnnpack');
  if (!(await startWasm(wanted))) {
    return { unavailable: { missing: false, reason: 'the wasm backend failed to initialize' } };
  }
  let gemmInfo = 'XNNPACK (wasm)';
  if (native !== undefined && 'unavailable' in native) {
    gemmInfo = `XNNPACK (wasm; onnxruntime-node did not load: ${native.unavailable})`;
  } else if (native !== undefined) {
    const engine = new OnnxruntimeGemm(native, wasmThreads());
    registerWasmTrainingKernels({ gemm: engine });
    gemmInfo = engine.description;
  }
  return {
    info: {
      name: 'wasm',
      tfjsName: 'wasm',
      version: version_wasm,
      threads: wasmThreads(),
      simd: await wasmSimd(),
      gemm: gemmInfo,
    },
  };
}

async function tryCpu(): Promise<Attempt> {
  if (tf.getKernel(ADAM_UPDATE, 'cpu') === undefined) tf.registerKernel(adamUpdateCpuConfig);
  if (!(await activate('cpu')))
    return { unavailable: { missing: false, reason: 'the cpu backend failed to initialize' } };
  return { info: { name: 'cpu', tfjsName: 'cpu', version: version_cpu, threads: 1 } };
}

/** Tuning for `selectBackend`. */
export interface SelectBackendOptions {
  /**
   * Threads for wasm (XNNPACK) and for the onnxruntime route's convolutions and matmuls (default:
   * defaultWasmThreads() for the route). Fixed at the first wasm start in a process.
   */
  wasmThreads?: number;
  /**
   * Where wasm runs convolutions and matmuls (Conv2D, both its gradients, BatchMatMul): 'onnxruntime' (default; onnxruntime-node's
   * native kernels, XNNPACK where it does not load) or 'xnnpack' (inside wasm).
   */
  wasmGemm?: WasmGemm;
  /** 'auto' only: told, in order, each backend it passed over and why (one line each). */
  onSkip?: (name: BackendName, reason: string) => void;
}

function attempt(name: BackendName, options: SelectBackendOptions): Promise<Attempt> {
  switch (name) {
    case 'tensorflow-gpu':
    case 'tensorflow':
      return tryNative(name);
    case 'webgpu':
      return tryWebgpu();
    case 'wasm':
      return tryWasm(options.wasmThreads, options.wasmGemm);
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Makes `preference` the active tfjs backend and describes it. 'auto' tries BACKEND_ORDER
 * (tensorflow-gpu, webgpu, tensorflow, wasm, cpu) and takes the first that works, telling `onSkip` why
 * it passed over each one before it. Naming a backend that is
 * not installed (or does not start) throws a GanforgeError whose hint says how to install it.
 */
export async function selectBackend(
  preference: BackendName | 'auto',
  options: SelectBackendOptions = {},
): Promise<BackendInfo> {
  if (preference !== 'auto') {
    if (!BACKEND_ORDER.includes(preference)) {
      throw new GanforgeError('bad_backend', `unknown backend '${String(preference)}'`, {
        hint: `use one of: auto, ${BACKEND_ORDER.join(', ')}`,
      });
    }
    const result = await attempt(preference, options);
    if ('info' in result && result.info.name === preference) return result.info;
    if ('info' in result) {
      throw new GanforgeError(
        'backend_unavailable',
        `backend '${preference}' found no CUDA GPU: libtensorflow would run on the CPU`,
        {
          hint: `make an NVIDIA GPU with CUDA 11.2 and cuDNN 8.1 visible, or use --backend ${result.info.name}`,
        },
      );
    }
    const { missing, reason } = result.unavailable;
    const what = `backend '${preference}' (${BACKEND_PACKAGE[preference]})`;
    throw new GanforgeError(
      'backend_unavailable',
      missing ? `${what} is not installed` : `${what} could not be started: ${reason}`,
      { hint: INSTALL_HINT[preference] },
    );
  }
  for (const name of BACKEND_ORDER) {
    const result = await attempt(name, options);
    if ('info' in result) return result.info;
    const { missing, reason } = result.unavailable;
    options.onSkip?.(name, missing ? `not installed (${BACKEND_PACKAGE[name]})` : reason);
  }
  throw new GanforgeError(
    'backend_unavailable',
    `no tfjs backend could be started (tried ${BACKEND_ORDER.join(', ')})`,
    {
      hint: INSTALL_HINT.cpu,
    },
  );
}
