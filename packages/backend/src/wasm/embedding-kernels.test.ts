/**
 * The kernels behind an Embedding on wasm: GatherV2 (the lookup) and UnsortedSegmentSum (its
 * gradient) give exactly what the cpu backend gives, on the layouts they take and on the ones they
 * hand back to the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { onBackend, pseudoRandomTensor, useBackendInSuite } from '../testing/on-backend.ts';
import { expectSameAsCpu } from '../testing/same-as-cpu.ts';
import { gatherWasmConfig } from './gather.ts';
import { unsortedSegmentSumInto, unsortedSegmentSumWasmConfig } from './unsorted-segment-sum.ts';

const rnd = (shape: number[], seed: number): tf.Tensor => pseudoRandomTensor(shape, seed);
const ids = (values: number[]): tf.Tensor1D => tf.tensor1d(values, 'int32');

describe('embedding kernels on wasm', () => {
  useBackendInSuite('wasm');

  it('are the ones registered', () => {
    expect(tf.getKernel('GatherV2', 'wasm')).toBe(gatherWasmConfig);
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBe(unsortedSegmentSumWasmConfig);
  });

  it('UnsortedSegmentSum adds rows into their segments, drops ids out of range (pure function)', () => {
    const out = new Float32Array(3 * 2);
    unsortedSegmentSumInto(
      Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      Int32Array.from([2, 0, 2, 5]),
      3,
      out,
    );
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 6, 8]);
  });

  describe('GatherV2', () => {
    it.each([
      { x: [10, 64], at: [3, 3, 0, 9, 1], axis: 0 }, // a class embedding's lookup
      { x: [6, 2, 3], at: [5, 0], axis: 0 },
      { x: [4, 5], at: [4, 0, 1], axis: 1 }, // handed back to the shipped kernel
      { x: [7], at: [], axis: 0 },
    ])('float32 $x at $at, axis $axis', async ({ x, at, axis }) => {
      await expectSameAsCpu(() => tf.gather(rnd(x, 1), ids(at), axis), 0);
    });

    it('int32 values, 2-D indices', async () => {
      await expectSameAsCpu(
        () =>
          tf.gather(
            tf.tensor2d([1, -2, 3, 4, 5, -6], [3, 2], 'int32'),
            tf.tensor2d([2, 0, 1, 1], [2, 2], 'int32'),
          ),
        0,
      );
    });

    it('an index out of range is refused as the shipped kernel refuses it', async () => {
      await onBackend('wasm', () => {
        expect(() => tf.tidy(() => tf.gather(rnd([3, 2], 2), ids([0, 3])).dataSync())).toThrow(/3/);
      });
    });
  });

  describe('UnsortedSegmentSum (the gradient of gather)', () => {
    it.each([
      { table: [10, 6272], at: [7, 7, 1, 0, 9, 7, 3, 3] }, // a projection D's class embedding
      { table: [12, 18], at: [0, 3, 3, 7, 11] },
      { table: [5, 2, 3], at: [4, 4, 4, 4] },
    ])('of gather($table, $at) along axis 0', async ({ table, at }) => {
      await expectSameAsCpu(
        () =>
          tf.grad((t: tf.Tensor) =>
            tf.sum(tf.mul(tf.gather(t, ids(at)), rnd([at.length, ...table.slice(1)], 4))),
          )(rnd(table, 3)),
        0,
      );
    });

    it('of gather along axis 1 (tfjs transposes into segment rows)', async () => {
      await expectSameAsCpu(
        () =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, ids([2, 0, 2]), 1))))(rnd([4, 3, 2], 5)),
        0,
      );
    });

    it('directly, with int32 values and ids outside [0, numSegments)', async () => {
      await expectSameAsCpu(
        () => tf.unsortedSegmentSum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), ids([1, -1, 4]), 3),
        0,
      );
      await expectSameAsCpu(() => tf.unsortedSegmentSum(rnd([6, 4], 6), ids([0, 2, 0, 2, 1, 9]), 4), 0);
    });
  });
});
