/**
 * Test helpers for comparing backends inside one process. tfjs's engine is global, so every
 * switch goes through `onBackend`, which restores the backend that was active before.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll } from 'vitest';
import { selectBackend, type SelectBackendOptions } from '../select-backend.ts';
import type { BackendName } from '../types.ts';

/** Runs `f` with `name` as the active backend, then switches back. */
export async function onBackend<T>(name: string, f: () => T): Promise<T> {
  const previous = tf.getBackend();
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not start`);
  try {
    return f();
  } finally {
    if (previous !== undefined && previous !== name) await tf.setBackend(previous);
  }
}

/** Deterministic values in [-1, 1) (a small LCG), the same on every backend. */
export function pseudoRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? NaN) - (b[i] ?? NaN)));
  return m;
}

/** A tensor of pseudoRandom values: the same on every backend for the same shape and seed. */
export function pseudoRandomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(
    pseudoRandom(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/**
 * For a describe block: selects `backend` (through ganforge's selectBackend, which registers the
 * training kernels, with `options`: e.g. wasm's convolutions and matmuls on XNNPACK) before its tests, and restores the backend that was active after them.
 * Without a backend it only restores.
 */
export function useBackendInSuite(backend?: BackendName, options: SelectBackendOptions = {}): void {
  let previous: string | undefined;
  beforeAll(async () => {
    previous = tf.getBackend();
    if (backend !== undefined) await selectBackend(backend, options);
  });
  afterAll(async () => {
    if (previous !== undefined) await tf.setBackend(previous);
  });
}
