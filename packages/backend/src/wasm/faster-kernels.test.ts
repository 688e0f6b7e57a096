/**
 * The kernels ganforge registers over tfjs-backend-wasm's own ("faster" in WASM_TRAINING_KERNELS)
 * give what the cpu backend gives, on the layouts they take over and on the ones they hand back
 * to the shipped kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { onBackend, pseudoRandomTensor, useBackendInSuite } from '../testing/on-backend.ts';
import { expectSameAsCpu } from '../testing/same-as-cpu.ts';
import { leadingAxesCount } from './reduce-leading-axes.ts';
import { WASM_TRAINING_KERNELS } from './register-training-kernels.ts';
import { tileInto } from './tile.ts';

const rnd = (shape: number[], seed: number): tf.Tensor => pseudoRandomTensor(shape, seed);

describe('wasm kernels faster than the shipped ones', () => {
  useBackendInSuite('wasm', { wasmGemm: 'xnnpack' }); // the wasm kernels (native-gemm/ has the onnxruntime ones)

  it('are registered in place of the shipped kernels', () => {
    for (const { config, why } of WASM_TRAINING_KERNELS.filter((k) => k.why === 'faster')) {
      expect(tf.getKernel(config.kernelName, 'wasm'), `${config.kernelName} (${why})`).toBe(config);
    }
  });

  describe('Tile', () => {
    it('repeats blocks by doubling (pure function)', () => {
      const out = new Float32Array(2 * 3 * 2);
      tileInto(Float32Array.from([1, 2, 3]), [1, 3], [2, 2], out);
      expect(Array.from(out)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    });

    it.each([
      [
        [1, 1, 1, 32],
        [64, 14, 14, 1],
      ], // batch norm's gradient
      [
        [2, 3],
        [3, 2],
      ],
      [
        [3, 1, 2],
        [1, 4, 3],
      ],
      [[5], [7]],
      [
        [2, 2, 2],
        [1, 1, 1],
      ],
      [
        [0, 3],
        [2, 2],
      ],
    ])('float32 %j x %j', async (shape, reps) => {
      await expectSameAsCpu(() => tf.tile(rnd(shape, 1), reps));
    });

    it('int32 and bool', async () => {
      await expectSameAsCpu(() =>
        tf.tile(
          tf.tensor2d(
            [
              [1, -2],
              [3, 4],
            ],
            [2, 2],
            'int32',
          ),
          [3, 2],
        ),
      );
      await expectSameAsCpu(() => tf.tile(tf.tensor1d([true, false, true], 'bool'), [4]));
    });
  });

  describe('MatMul with transposed operands', () => {
    const cases = [
      { a: [64, 100], b: [64, 300], tA: true, tB: false }, // dW = x^T dy
      { a: [64, 300], b: [100, 300], tA: false, tB: true }, // dx = dy W^T
      { a: [30, 20], b: [40, 30], tA: true, tB: true },
      { a: [7, 5], b: [5, 3], tA: false, tB: false },
      { a: [2, 6, 5], b: [2, 6, 4], tA: true, tB: false }, // batch 2: the shipped kernel
    ];
    it.each(cases)('BatchMatMul $a x $b (transposeA $tA, transposeB $tB)', async ({ a, b, tA, tB }) => {
      await expectSameAsCpu(() => tf.matMul(rnd(a, 2), rnd(b, 3), tA, tB), 1e-5);
    });

    it('_FusedMatMul with bias and activation, transposed', async () => {
      await expectSameAsCpu(() =>
        tf.fused.matMul({
          a: rnd([20, 16], 4),
          b: rnd([12, 20], 5),
          transposeA: true,
          transposeB: true,
          bias: rnd([12], 6),
          activation: 'relu',
        }),
      );
    });

    it('dense layer gradients (both transposes) match cpu', async () => {
      await expectSameAsCpu(() => {
        const x = rnd([32, 48], 7);
        const w = rnd([48, 24], 8);
        return tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(tf.matMul(xi, wi))))([x, w]);
      });
    });
  });

  describe('Sum and Mean over leading axes', () => {
    it('knows which axis sets are a leading run', () => {
      expect(leadingAxesCount([0, 1, 2], [2, 3, 4, 5])).toBe(3);
      expect(leadingAxesCount([1, 0], [2, 3, 4])).toBe(2);
      expect(leadingAxesCount(0, [2, 3])).toBe(1);
      expect(leadingAxesCount([0, 2], [2, 3, 4])).toBeUndefined();
      expect(leadingAxesCount([0, 1], [2, 3])).toBeUndefined(); // all axes
      expect(leadingAxesCount([1], [2, 3])).toBeUndefined();
    });

    it.each([
      [
        [64, 14, 14, 32],
        [0, 1, 2],
      ],
      [
        [8, 5, 3, 16],
        [0, 1, 2],
      ],
      [[100, 784], [0]],
      [
        [6, 7, 8],
        [0, 1],
      ],
      [[6, 7, 8], [0]],
      [
        [16, 9, 9, 1],
        [0, 1, 2],
      ], // one channel: the shipped kernel
      [[4, 5, 6], [1]], // not leading: the shipped kernel
      [
        [4, 5],
        [0, 1],
      ],
    ])('%j over %j', async (shape, axes) => {
      await expectSameAsCpu(() => [tf.sum(rnd(shape, 9), axes), tf.mean(rnd(shape, 10), axes)], 2e-5);
      await expectSameAsCpu(
        () => [tf.sum(rnd(shape, 11), axes, true), tf.mean(rnd(shape, 12), axes, true)],
        2e-5,
      );
    });
  });

  describe('FusedBatchNorm', () => {
    it.each([
      ['per channel, scale and offset', true, true],
      ['no scale', false, true],
      ['no offset', true, false],
    ])('%s', async (_label, withScale, withOffset) => {
      await expectSameAsCpu(() => {
        const mean = rnd([8], 14);
        const variance = tf.abs(rnd([8], 15));
        return tf.batchNorm(
          rnd([4, 5, 5, 8], 13),
          mean,
          variance,
          withOffset ? rnd([8], 16) : undefined,
          withScale ? rnd([8], 17) : undefined,
          1e-5,
        );
      });
    });

    it('parameters that are not one per channel: the shipped kernel', async () => {
      await expectSameAsCpu(() =>
        tf.batchNorm(rnd([3, 4], 18), rnd([3, 4], 19), tf.abs(rnd([3, 4], 20)), undefined, undefined, 1e-3),
      );
    });

    it("tfjs-layers' batch normalization in training, with its gradients", async () => {
      await expectSameAsCpu(() => {
        const x = rnd([6, 4, 4, 8], 21);
        const gamma = rnd([8], 22);
        const beta = rnd([8], 23);
        const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Scalar => {
          const { mean, variance } = tf.moments(xi, [0, 1, 2]);
          return tf.sum(tf.square(tf.batchNorm(xi, mean, variance, b, g, 1e-5)));
        };
        return tf.grads(f)([x, gamma, beta]);
      }, 1e-4);
    });
  });

  describe('LeakyRelu and its gradient', () => {
    it.each([0.2, 0.3, 0, 1])('forward, alpha %d', async (alpha) => {
      await expectSameAsCpu(() => tf.leakyRelu(rnd([5, 6, 7, 3], 24), alpha), 1e-7);
    });

    it('gradient is dy where x > 0 and alpha * dy elsewhere, x = 0 included', async () => {
      const x = [-2, -0.5, 0, 0.5, 2];
      const dy = [1, 2, 3, 4, 5];
      const grad = (): tf.Tensor =>
        tf.grad((xi: tf.Tensor) => tf.leakyRelu(xi, 0.2))(tf.tensor1d(x), tf.tensor1d(dy));
      const wasm = await onBackend('wasm', () => Array.from(grad().dataSync()));
      const alpha = Math.fround(0.2);
      expect(wasm).toEqual([Math.fround(alpha * 1), Math.fround(alpha * 2), Math.fround(alpha * 3), 4, 5]);
      await expectSameAsCpu(grad, 0);
    });
  });

  it('Tanh (through sigmoid past a size; exact below it), and its gradient', async () => {
    const wide = (): tf.Tensor => tf.mul(rnd([64, 28, 28, 1], 26), 4);
    await expectSameAsCpu(() => tf.tanh(wide()), 3e-7);
    await expectSameAsCpu(() => tf.tanh(rnd([100], 27)), 1.2e-7); // the shipped kernel: 1 ulp from cpu's
    await expectSameAsCpu(() => tf.grad((x: tf.Tensor) => tf.sum(tf.tanh(x)))(wide()), 1e-6);
    const extremes = await onBackend('wasm', () =>
      tf.tidy(() =>
        Array.from(
          tf.tanh(tf.tensor1d([-100, -20, 0, 20, 100, NaN, ...new Array<number>(2000).fill(0.5)])).dataSync(),
        ),
      ),
    );
    expect(extremes.slice(0, 6)).toEqual([-1, -1, 0, 1, 1, NaN]);
  });

  it('Identity (clone) shares the data instead of copying it, and frees it with the last reference', async () => {
    await onBackend('wasm', () => {
      const backend = tf.backend() as unknown as { numDataIds(): number };
      const x = tf.tensor1d([1, 2, 3]);
      const before = backend.numDataIds();
      const y = tf.clone(x);
      expect(backend.numDataIds()).toBe(before); // no new buffer
      x.dispose();
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3]); // still readable
      y.dispose();
      expect(backend.numDataIds()).toBe(before - 1);
    });
    await expectSameAsCpu(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.clone(v), v)))(rnd([50], 28)));
  });

  it('Sqrt', async () => {
    await expectSameAsCpu(() => tf.sqrt(tf.abs(rnd([1000], 25))), 0);
  });
});
