import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { prepareThreadShims, withThreadShims } from './node-threads.ts';

const require = createRequire(import.meta.url);

/** The folder holding tfjs-backend-wasm's .wasm binaries (its dist/), with a trailing separator. */
export function wasmBinaryDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** tfjs-backend-wasm pre-creates 8 pthread workers; XNNPACK never gets more. */
export const MAX_WASM_THREADS = 8;

/** Environment variable that sets the default thread count (e.g. 1 where several processes share the cores). */
export const WASM_THREADS_ENV = 'GANFORGE_WASM_THREADS';

/**
 * Threads wasm asks for unless told: GANFORGE_WASM_THREADS when set; else, with convolutions and
 * matmuls on onnxruntime (`gemm` 'onnxruntime', the default route), one; with them on XNNPACK, one per
 * core (at most 8). Measured on an idle 2-core machine (BENCHMARKS.md, "Two threads"):
 * - onnxruntime route: 2 threads train the DCGAN 0.91-1.02x as fast as 1 (32/32 and 64/64; five
 *   alternating pairs and the bench). onnxruntime's convolutions hardly scale on 2 cores here, and the
 *   threaded wasm heap is shared memory, which onnxruntime-node cannot read in place (the operands
 *   are copied), so the second core buys nothing.
 * - XNNPACK route: 2 threads train the 64/64 DCGAN 1.37-1.59x as fast as 1, the 32/32 one 1.04-1.22x
 *   (XNNPACK's convs scale, the rest of a step runs on one thread).
 * Where processes compete for the cores (the test runner runs two test files at once) spinning pool
 * threads lose: the tests set GANFORGE_WASM_THREADS=1 (vitest.config.ts).
 */
export function defaultWasmThreads(
  cores: number = os.availableParallelism(),
  env: NodeJS.ProcessEnv = process.env,
  gemm: 'onnxruntime' | 'xnnpack' = 'xnnpack',
): number {
  const set = Number(env[WASM_THREADS_ENV]);
  if (Number.isInteger(set) && set >= 1) return Math.min(set, MAX_WASM_THREADS);
  if (gemm === 'onnxruntime') return 1;
  return Math.max(1, Math.min(cores, MAX_WASM_THREADS));
}

/**
 * Starts the wasm backend (once per process; later calls only switch to it).
 * - Binaries: loaded from the package's own dist/ (setWasmPaths), never fetched.
 * - SIMD: chosen by tfjs's WASM_HAS_SIMD_SUPPORT probe (true on every Node >= 16).
 * - Threads: with `threads` > 1 the threaded SIMD binary runs on that many XNNPACK threads, through
 *   the Node shims in node-threads.ts; with 1 (or if the shims do not fit this tfjs version) the
 *   single-threaded SIMD binary runs.
 * Resolves false when the backend does not start.
 */
export async function startWasm(threads: number = defaultWasmThreads()): Promise<boolean> {
  if (tf.findBackend('wasm') !== null) return tf.setBackend('wasm');
  setWasmPaths(wasmBinaryDir());
  const wanted = Math.min(MAX_WASM_THREADS, Math.max(1, Math.floor(threads)));
  const shims = wanted > 1 ? prepareThreadShims() : null;
  setThreadsCount(shims === null ? 1 : wanted);
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', shims !== null);
  const activate = async (): Promise<boolean> => {
    try {
      return await tf.setBackend('wasm');
    } catch {
      return false;
    }
  };
  return shims === null ? activate() : withThreadShims(shims, wanted, activate);
}

/** Threads XNNPACK actually runs with, once the wasm backend has started. */
export function wasmThreads(): number {
  return getThreadsCount();
}

/** Whether the SIMD binary was chosen. */
export async function wasmSimd(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}
