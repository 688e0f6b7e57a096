/**
 * wasm's convolutions and matmuls on onnxruntime's native kernels: the five kernels are the onnxruntime ones,
 * give what the cpu backend gives on the whole geometry grid (and hand what they do not cover back to
 * the wasm kernels), switch back to XNNPACK when asked, and keep a bounded number of sessions.
 */
import * as tf from '@tensorflow/tfjs-core';
// Gradient functions: tfjs-core does not register them itself; tfjs-layers' Node bundle does.
import '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import { describe, expect, it } from 'vitest';
import { itMatchesCpuOnConvCases } from '../testing/conv-backprop.ts';
import { caseLabel, convCases } from '../testing/conv-cases.ts';
import { pseudoRandomTensor, useBackendInSuite } from '../testing/on-backend.ts';
import { expectSameAsCpu } from '../testing/same-as-cpu.ts';
import { defaultWasmGemm, selectBackend } from '../select-backend.ts';
import { conv2DBackpropFilterWasmConfig } from '../wasm/conv2d-backprop-filter.ts';
import { conv2DBackpropInputWasmConfig } from '../wasm/conv2d-backprop-input.ts';
import { batchMatMulWasmConfig, fusedMatMulWasmConfig } from '../wasm/mat-mul.ts';
import { conv2dModel } from './gemm-graphs.ts';
import { ONNXRUNTIME_GEMM_KERNELS } from './gemm-kernels.ts';
import { OnnxruntimeGemm } from './onnxruntime-gemm.ts';
import { loadOnnxruntimeNative } from './onnxruntime-native.ts';
import { heapView } from '../wasm/heap.ts';
import { registerWasmTrainingKernels } from '../wasm/register-training-kernels.ts';

const GEMM_KERNELS = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'BatchMatMul',
  '_FusedMatMul',
] as const;
const onOnnxruntime = (name: string): boolean => ONNXRUNTIME_GEMM_KERNELS.has(tf.getKernel(name, 'wasm')!);

describe('wasm convolutions and matmuls on onnxruntime (native kernels)', () => {
  useBackendInSuite('wasm', { wasmGemm: 'onnxruntime' });

  it('are the default, named in the backend info, and registered for all three kernels', async () => {
    const info = await selectBackend('wasm');
    expect(info.gemm).toBe('onnxruntime-node 1.30.0, 1 thread');
    for (const name of GEMM_KERNELS) expect(onOnnxruntime(name), name).toBe(true);
  });

  itMatchesCpuOnConvCases('Conv2DBackpropInput', [5, 6]);
  itMatchesCpuOnConvCases('Conv2DBackpropFilter', [3, 4]);

  it.each(convCases().map((c) => [caseLabel(c), c] as const))('conv2d matches cpu: %s', async (_label, c) => {
    await expectSameAsCpu(
      () =>
        tf.conv2d(
          pseudoRandomTensor([c.n, c.h, c.w, c.cin], 1) as tf.Tensor4D,
          pseudoRandomTensor([c.k, c.k, c.cin, c.cout], 2) as tf.Tensor4D,
          c.stride,
          c.pad,
        ),
      1e-5,
    );
  });

  it('conv2d with dilation 2, and a DCGAN layer pair with both gradients, match cpu', async () => {
    await expectSameAsCpu(() =>
      tf.conv2d(
        pseudoRandomTensor([2, 11, 9, 3], 7) as tf.Tensor4D,
        pseudoRandomTensor([3, 3, 3, 5], 8) as tf.Tensor4D,
        1,
        'same',
        'NHWC',
        2,
      ),
    );
    await expectSameAsCpu(() => {
      const x = pseudoRandomTensor([4, 14, 14, 8], 9);
      const f = pseudoRandomTensor([4, 4, 8, 16], 10);
      const loss = (xi: tf.Tensor, fi: tf.Tensor): tf.Scalar => {
        const down = tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, 2, 'same');
        const up = tf.conv2dTranspose(down, fi as tf.Tensor4D, [4, 14, 14, 8], 2, 'same');
        return tf.sum(tf.mul(up, xi));
      };
      const [dx, df] = tf.grads(loss)([x, f]);
      return [loss(x, f), dx!, df!];
    });
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('matMul transposeA %s transposeB %s matches cpu, rank 2 and 3', async (ta, tb) => {
    const [m, k, n] = [5, 7, 3];
    const a = (rank3: boolean): tf.Tensor =>
      pseudoRandomTensor([...(rank3 ? [1] : []), ...(ta ? [k, m] : [m, k])], 13);
    const b = (rank3: boolean): tf.Tensor =>
      pseudoRandomTensor([...(rank3 ? [1] : []), ...(tb ? [n, k] : [k, n])], 14);
    await expectSameAsCpu(() => [tf.matMul(a(false), b(false), ta, tb), tf.matMul(a(true), b(true), ta, tb)]);
  });

  it('a batched matMul stays on wasm, and a dense layer trains the same as on cpu', async () => {
    await expectSameAsCpu(() =>
      tf.matMul(pseudoRandomTensor([3, 4, 5], 15), pseudoRandomTensor([3, 5, 2], 16)),
    );
    await expectSameAsCpu(() => {
      const x = pseudoRandomTensor([6, 10], 17);
      const w = pseudoRandomTensor([10, 4], 18);
      const [dx, dw] = tf.grads((xi: tf.Tensor, wi: tf.Tensor) => tf.sum(tf.square(tf.matMul(xi, wi))))([
        x,
        w,
      ]);
      return [dx!, dw!];
    });
  });

  it("a filter gradient whose forward conv skipped x's last rows goes to the wasm kernel, and is right", async () => {
    // 'valid', 10 rows, k 3, s 2: the forward conv reads rows 0..8 only.
    const before = tf.memory().numTensors;
    await expectSameAsCpu(() =>
      tf.grad((f: tf.Tensor) =>
        tf.sum(
          tf.conv2d(pseudoRandomTensor([2, 10, 10, 2], 11) as tf.Tensor4D, f as tf.Tensor4D, 2, 'valid'),
        ),
      )(pseudoRandomTensor([3, 3, 2, 3], 12)),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('go back to the wasm kernels with wasmGemm xnnpack, and over again', async () => {
    const info = await selectBackend('wasm', { wasmGemm: 'xnnpack' });
    expect(info.gemm).toBe('XNNPACK (wasm)');
    for (const name of GEMM_KERNELS) expect(onOnnxruntime(name), name).toBe(false);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2DBackpropInputWasmConfig);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(conv2DBackpropFilterWasmConfig);
    expect(tf.getKernel('BatchMatMul', 'wasm')).toBe(batchMatMulWasmConfig);
    expect(tf.getKernel('_FusedMatMul', 'wasm')).toBe(fusedMatMulWasmConfig);
    await selectBackend('wasm', { wasmGemm: 'onnxruntime' });
    for (const name of GEMM_KERNELS) expect(onOnnxruntime(name), name).toBe(true);
  });

  it('leaves to wasm what it does not cover: a 1-channel forward conv, a cropped filter gradient, a batched or biased matmul', async () => {
    const native = loadOnnxruntimeNative();
    if ('unavailable' in native) throw new Error(native.unavailable);
    const engine = new OnnxruntimeGemm(native, 1);
    registerWasmTrainingKernels({ gemm: engine });
    const sessionsFor = (f: () => tf.Tensor | tf.Tensor[]): number => {
      const before = engine.sessionCount;
      tf.tidy(() => void f());
      return engine.sessionCount - before;
    };
    try {
      const conv = (cin: number): tf.Tensor =>
        tf.conv2d(
          pseudoRandomTensor([2, 8, 8, cin], 1) as tf.Tensor4D,
          pseudoRandomTensor([3, 3, cin, 4], 2) as tf.Tensor4D,
          2,
          'same',
        );
      expect(sessionsFor(() => conv(1))).toBe(0);
      expect(sessionsFor(() => conv(3))).toBe(1);
      const cropped = (): tf.Tensor =>
        tf.grad((f: tf.Tensor) =>
          tf.sum(
            tf.conv2d(pseudoRandomTensor([2, 10, 10, 2], 3) as tf.Tensor4D, f as tf.Tensor4D, 2, 'valid'),
          ),
        )(pseudoRandomTensor([3, 3, 2, 3], 4));
      // The forward conv, and the product inside the wasm filter gradient (im2col, 2 channels): no filter-gradient model.
      expect(sessionsFor(cropped)).toBe(2);
      expect(engine.sessionKeys().map((k) => (JSON.parse(k) as string[])[0])).toEqual([
        'conv',
        'conv',
        'matmul',
      ]);
      expect(
        sessionsFor(() => tf.matMul(pseudoRandomTensor([3, 4, 5], 5), pseudoRandomTensor([3, 5, 2], 6))),
      ).toBe(0);
      expect(sessionsFor(() => tf.matMul(pseudoRandomTensor([4, 5], 5), pseudoRandomTensor([5, 2], 6)))).toBe(
        1,
      );
      expect(
        sessionsFor(() =>
          tf.fused.matMul({
            a: pseudoRandomTensor([4, 5], 5),
            b: pseudoRandomTensor([5, 2], 6),
            bias: tf.ones([2]),
          }),
        ),
      ).toBe(0);
    } finally {
      engine.dispose();
      await selectBackend('wasm');
    }
  });

  it('leaves a call to wasm when onnxruntime refuses its model, and does not build that model again', () => {
    const native = loadOnnxruntimeNative();
    if ('unavailable' in native) throw new Error(native.unavailable);
    const engine = new OnnxruntimeGemm(native, 1);
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const info = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    let builds = 0;
    const notAModel = (): Uint8Array => {
      builds++;
      return new Uint8Array([1, 2, 3]);
    };
    const before = tf.memory().numBytes;
    expect(engine.run(tf.backend(), 'broken', notAModel, info, info, [2, 2])).toBeUndefined();
    expect(engine.run(tf.backend(), 'broken', notAModel, info, info, [2, 2])).toBeUndefined();
    expect(builds).toBe(1);
    expect([...engine.refusedModels().keys()]).toEqual(['broken']);
    expect(engine.refusedModels().get('broken')).toMatch(/protobuf|parse|model/i);
    expect(engine.sessionCount).toBe(0);
    expect(tf.memory().numBytes).toBe(before);
    x.dispose();
  });

  it('keeps at most 64 sessions, dropping the least recently used', () => {
    const native = loadOnnxruntimeNative();
    if ('unavailable' in native) throw new Error(native.unavailable);
    const engine = new OnnxruntimeGemm(native, 1);
    const backend = tf.backend();
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const f = tf.tensor4d([10], [1, 1, 1, 1]);
    const xi = { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    const fi = { dataId: f.dataId, shape: f.shape, dtype: f.dtype };
    const run = (pad: number): number[] => {
      const out = engine.run(
        backend,
        `pad ${pad}`,
        () =>
          conv2dModel([1, 2, 2, 1], [1, 1, 1, 1], [1, 2 + 2 * pad, 2 + 2 * pad, 1], [1, 1], [1, 1], {
            top: pad,
            bottom: pad,
            left: pad,
            right: pad,
          }),
        xi,
        fi,
        [1, 2 + 2 * pad, 2 + 2 * pad, 1],
      );
      if (out === undefined)
        throw new Error(`pad ${pad}: refused: ${engine.refusedModels().get(`pad ${pad}`)}`);
      const values = Array.from(heapView(backend, out));
      backend.disposeData(out.dataId);
      return values;
    };
    expect(run(0)).toEqual([10, 20, 30, 40]);
    for (let pad = 1; pad <= 70; pad++) run(pad);
    expect(engine.sessionCount).toBe(64);
    expect(run(1)).toEqual([0, 0, 0, 0, 0, 10, 20, 0, 0, 30, 40, 0, 0, 0, 0, 0]); // rebuilt after being dropped
    engine.dispose();
    expect(engine.sessionCount).toBe(0);
    tf.dispose([x, f]);
  });
});

describe('GANFORGE_WASM_GEMM', () => {
  it('chooses the engine when set, onnxruntime otherwise, and refuses other values with a hint', () => {
    expect(defaultWasmGemm({})).toBe('onnxruntime');
    expect(defaultWasmGemm({ GANFORGE_WASM_GEMM: '' })).toBe('onnxruntime');
    expect(defaultWasmGemm({ GANFORGE_WASM_GEMM: 'xnnpack' })).toBe('xnnpack');
    expect(() => defaultWasmGemm({ GANFORGE_WASM_GEMM: 'mkl' })).toThrow(GanforgeError);
    expect(() => defaultWasmGemm({ GANFORGE_WASM_GEMM: 'mkl' })).toThrow(/GANFORGE_WASM_GEMM=mkl/);
  });
});
