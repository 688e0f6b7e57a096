import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { prepareThreadShims, withThreadShims } from './nodeThreads.ts';

const require = createRequire(import.meta.url);

/** The folder holding tfjs-backend-wasm's .wasm binaries (its dist/), with a trailing separator. */
export function wasmBinaryDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** tfjs-backend-wasm pre-creates 8 pthread workers; XNNPACK never gets more. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads wasm asks for unless told: one per core (at most 8) from 4 cores up, else 1.
 * On the 2-core CI machine, shared with other jobs, 2 XNNPACK threads measured slower than 1
 * (DCGAN step at batch 64: 1.1-1.2 s with 1 thread, 1.3-4.2 s with 2): spinning pool threads
 * lose badly when the cores are oversubscribed. Ask for more with `wasmThreads`.
 */
export function defaultWasmThreads(cores: number = os.availableParallelism()): number {
  return cores >= 4 ? Math.min(cores, MAX_WASM_THREADS) : 1;
}

/**
 * Starts the wasm backend (once per process; later calls only switch to it).
 * - Binaries: loaded from the package's own dist/ (setWasmPaths), never fetched.
 * - SIMD: chosen by tfjs's WASM_HAS_SIMD_SUPPORT probe (true on every Node >= 16).
 * - Threads: with `threads` > 1 the threaded SIMD binary runs on that many XNNPACK threads, through
 *   the Node shims in nodeThreads.ts; with 1 (or if the shims do not fit this tfjs version) the
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
