/** Test helper: a computation gives on wasm what it gives on the cpu backend (the reference). */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { maxAbsDiff, onBackend } from './on-backend.ts';

export type Run = () => tf.Tensor | tf.Tensor[];

/** Runs `f` on cpu and on wasm; expects the same shapes and values within `tol`, and no leaked tensors. */
export async function expectSameAsCpu(f: Run, tol = 1e-5): Promise<void> {
  const read = (): { shape: number[]; dtype: string; values: number[] }[] =>
    tf.tidy(() => {
      const out = f();
      return (Array.isArray(out) ? out : [out]).map((t) => ({
        shape: t.shape,
        dtype: t.dtype,
        values: Array.from(t.dataSync()),
      }));
    });
  const cpu = await onBackend('cpu', read);
  const before = await onBackend('wasm', () => tf.memory().numTensors);
  const wasm = await onBackend('wasm', read);
  expect(await onBackend('wasm', () => tf.memory().numTensors)).toBe(before);
  expect(wasm.map((t) => [t.shape, t.dtype])).toEqual(cpu.map((t) => [t.shape, t.dtype]));
  cpu.forEach((expected, i) => {
    const scale = expected.values.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
    expect(maxAbsDiff(wasm[i]!.values, expected.values)).toBeLessThanOrEqual(tol * scale);
  });
}
