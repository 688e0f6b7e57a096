import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { timeKernels } from './kernel-timer.ts';
import { pseudoRandomTensor, useBackendInSuite } from './testing/on-backend.ts';

describe('timeKernels', () => {
  useBackendInSuite('wasm');

  it('counts each kernel call of the body, with its time and the slowest call’s input shapes', () => {
    const a = pseudoRandomTensor([3, 4], 1);
    const b = pseudoRandomTensor([4, 5], 2);
    const times = timeKernels('wasm', () => {
      tf.tidy(() => {
        const p = tf.matMul(a, b);
        tf.add(p, p);
        tf.add(p, p);
      });
    });
    expect(times.calls).toBe(3);
    expect(times.byKernel.get('BatchMatMul')?.calls).toBe(1);
    expect(times.byKernel.get('BatchMatMul')?.slowestInputs).toEqual([
      [3, 4],
      [4, 5],
    ]);
    expect(times.byKernel.get('Add')?.calls).toBe(2);
    expect(times.byKernel.get('Add')?.slowestInputs).toEqual([
      [3, 5],
      [3, 5],
    ]);
    const tallied = [...times.byKernel.values()].reduce((s, k) => s + k.ms, 0);
    expect(times.kernelMs).toBeCloseTo(tallied, 6);
    expect(times.kernelMs).toBeGreaterThan(0);
    expect(times.wallMs).toBeGreaterThanOrEqual(times.kernelMs);
    tf.dispose([a, b]);
  });

  it('counts a kernel that runs other kernels inside itself once (the transposed conv’s phase convs are its own)', () => {
    const dy = pseudoRandomTensor([2, 4, 4, 3], 3) as tf.Tensor4D;
    const filter = pseudoRandomTensor([4, 4, 2, 3], 4) as tf.Tensor4D;
    const times = timeKernels('wasm', () => {
      tf.tidy(() => tf.conv2dTranspose(dy, filter, [2, 8, 8, 2], 2, 'same'));
    });
    expect([...times.byKernel.keys()]).toEqual(['Conv2DBackpropInput']);
    expect(times.calls).toBe(1);
    tf.dispose([dy, filter]);
  });

  it('puts the kernels back as they were, also when the body throws', () => {
    const before = tf.getKernel('Conv2DBackpropInput', 'wasm');
    timeKernels('wasm', () => undefined);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(before);
    expect(() =>
      timeKernels('wasm', () => {
        throw new Error('body failed');
      }),
    ).toThrow('body failed');
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(before);
  });
});
