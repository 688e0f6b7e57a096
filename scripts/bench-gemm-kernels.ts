/**
 * Kernel by kernel: the convolutions and matmuls of the shipped default's 64/64 DCGAN step (batch 64)
 * on wasm, with those kernels on onnxruntime-node's native kernels (packages/backend/src/native-gemm/)
 * and on XNNPACK inside wasm, in one process on one thread, the two routes alternating round by
 * round (the kernels are re-registered between them). Prints a markdown table; scripts/bench-train.ts
 * puts it into BENCHMARKS.md.
 *   node --import tsx scripts/bench-gemm-kernels.ts [--rounds 5]
 */
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type WasmGemm } from '@ganforge/backend';
import { pseudoRandomTensor } from '@ganforge/backend/testing';
import { isMain } from './bench-support.ts';
import { numberOption, parseScriptArgs } from './script-args.ts';

type Shape4 = [number, number, number, number];

interface KernelCase {
  readonly kernel: string;
  readonly what: string;
  readonly shapes: string;
  readonly flops: number;
  readonly run: () => tf.Tensor;
}

function cases(): KernelCase[] {
  const n = 64;
  const t = (shape: number[], seed: number): tf.Tensor => pseudoRandomTensor(shape, seed);
  const conv = (x: Shape4, f: Shape4): KernelCase['run'] => {
    const xs = t(x, 1);
    const fs = t(f, 2);
    return () => tf.conv2d(xs as tf.Tensor4D, fs as tf.Tensor4D, 2, 'same');
  };
  const transposed = (dy: Shape4, f: Shape4, out: Shape4): KernelCase['run'] => {
    const dys = t(dy, 3);
    const fs = t(f, 4);
    return () => tf.conv2dTranspose(dys as tf.Tensor4D, fs as tf.Tensor4D, out, 2, 'same');
  };
  const filterGrad = (x: Shape4, dy: Shape4, f: Shape4): KernelCase['run'] => {
    const xs = t(x, 5);
    const dys = t(dy, 6);
    return () =>
      tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x: xs, dy: dys },
          { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: f },
        ) as tf.Tensor;
  };
  const matMul = (a: number[], b: number[], ta: boolean, tb: boolean): KernelCase['run'] => {
    const as = t(a, 7);
    const bs = t(b, 8);
    return () => tf.matMul(as, bs, ta, tb);
  };
  const wide = 2 * n * 7 * 7 * 128 * 16 * 64;
  const image = 2 * n * 14 * 14 * 64 * 16;
  return [
    {
      kernel: 'Conv2D',
      what: "D's second conv; G's transposed-conv input gradient",
      shapes: '[64,14,14,64] * [4,4,64,128]',
      flops: wide,
      run: conv([n, 14, 14, 64], [4, 4, 64, 128]),
    },
    {
      kernel: 'Conv2DBackpropInput',
      what: "G's transposed conv; D's input gradient",
      shapes: '[64,7,7,128] -> [64,14,14,64]',
      flops: wide,
      run: transposed([n, 7, 7, 128], [4, 4, 64, 128], [n, 14, 14, 64]),
    },
    {
      kernel: 'Conv2DBackpropFilter',
      what: 'filter gradient of those',
      shapes: '[64,14,14,64], [64,7,7,128]',
      flops: wide,
      run: filterGrad([n, 14, 14, 64], [n, 7, 7, 128], [4, 4, 64, 128]),
    },
    {
      kernel: 'Conv2D',
      what: "D's image layer (the onnxruntime route leaves it to XNNPACK: both columns are XNNPACK)",
      shapes: '[64,28,28,1] * [4,4,1,64]',
      flops: image,
      run: conv([n, 28, 28, 1], [4, 4, 1, 64]),
    },
    {
      kernel: 'Conv2DBackpropInput',
      what: "G's image layer",
      shapes: '[64,14,14,64] -> [64,28,28,1]',
      flops: image,
      run: transposed([n, 14, 14, 64], [4, 4, 1, 64], [n, 28, 28, 1]),
    },
    {
      kernel: 'Conv2DBackpropFilter',
      what: 'filter gradient of those',
      shapes: '[64,28,28,1], [64,14,14,64]',
      flops: image,
      run: filterGrad([n, 28, 28, 1], [n, 14, 14, 64], [4, 4, 1, 64]),
    },
    {
      kernel: 'MatMul',
      what: "G's dense layer, forward",
      shapes: '[64,100] x [100,6272]',
      flops: 2 * n * 100 * 6272,
      run: matMul([n, 100], [100, 6272], false, false),
    },
    {
      kernel: 'MatMul (transposeA)',
      what: 'its weight gradient x^T dy',
      shapes: '[64,100]^T x [64,6272]',
      flops: 2 * n * 100 * 6272,
      run: matMul([n, 100], [n, 6272], true, false),
    },
    {
      kernel: 'MatMul (transposeB)',
      what: "D's dense layer, input gradient dy W^T",
      shapes: '[64,1] x [6272,1]^T',
      flops: 2 * n * 6272,
      run: matMul([n, 1], [6272, 1], false, true),
    },
  ];
}

/** Median ms of `times` calls of `run` (the result read back each time), after one untimed call. */
function timeKernel(run: () => tf.Tensor, times: number): number {
  tf.tidy(() => void run().dataSync());
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    tf.tidy(() => void run().dataSync());
    ms.push(performance.now() - start);
  }
  return median(ms);
}

const median = (xs: readonly number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function gemmKernelTable(rounds = 5, times = 7): Promise<string> {
  await selectBackend('wasm', { wasmThreads: 1 });
  const all = cases();
  const routes: WasmGemm[] = ['onnxruntime', 'xnnpack'];
  const ms = new Map<WasmGemm, number[][]>(routes.map((r) => [r, all.map(() => [])]));
  for (let round = 0; round < rounds; round++) {
    for (const route of round % 2 === 0 ? routes : [...routes].reverse()) {
      await selectBackend('wasm', { wasmThreads: 1, wasmGemm: route });
      all.forEach((c, i) => ms.get(route)![i]!.push(timeKernel(c.run, times)));
    }
  }
  const rows = all.map((c, i) => {
    const x = median(ms.get('xnnpack')![i]!);
    const o = median(ms.get('onnxruntime')![i]!);
    const gflops = (v: number): string => (c.flops / v / 1e6).toFixed(1);
    return `| ${c.kernel} | ${c.what} | ${c.shapes} | ${x.toFixed(2)} (${gflops(x)}) | ${o.toFixed(2)} (${gflops(o)}) | ${(x / o).toFixed(2)}x |`;
  });
  return [
    '| kernel | in a DCGAN step | shapes | XNNPACK ms (GFLOP/s) | onnxruntime ms (GFLOP/s) | speed-up |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const cmd = {
    name: 'bench-gemm-kernels',
    usage: 'usage: node --import tsx scripts/bench-gemm-kernels.ts [--rounds N]',
  };
  const { values } = parseScriptArgs(cmd, { options: { rounds: { type: 'string' } } });
  const rounds = numberOption(cmd, 'rounds', values.rounds, { integer: true, min: 1 });
  process.stdout.write(`${await gemmKernelTable(rounds)}\n`);
}
