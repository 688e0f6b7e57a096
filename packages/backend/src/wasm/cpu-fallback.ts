/**
 * Wasm kernels that run the cpu backend's kernel: the inputs are copied out of the wasm heap, the
 * cpu kernel computes, the result is copied back. Correct by construction (it IS the reference
 * kernel) and slow, so only for kernels that are rare in GAN training and that tfjs-backend-wasm
 * 4.22 lacks or gets wrong:
 *  - MaxPoolGrad: wrong with more than one channel (gradient lands on the wrong element);
 *  - ResizeNearestNeighborGrad (UpSampling2D's gradient): wrong with a batch larger than one;
 *  - DepthwiseConv2dNativeBackpropInput / ...BackpropFilter (depthwise/separable convs): missing.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  MaxPoolGrad,
  ResizeNearestNeighborGrad,
} from '@tensorflow/tfjs-core';
import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

function cpuBackend(): KernelBackend {
  const cpu = tf.findBackend('cpu'); // initializes it (synchronously) on first use
  if (cpu === null)
    throw new Error('the cpu backend, needed as a fallback for a wasm kernel, is not available');
  return cpu;
}

/** A wasm kernel function that computes `kernelName` with the cpu backend's kernel. */
export function viaCpu(kernelName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const wasm = backend as KernelBackend;
    const cpu = cpuBackend();
    const kernel = tf.getKernel(kernelName, 'cpu');
    if (kernel === undefined) throw new Error(`no cpu kernel ${kernelName} to fall back to`);
    const onCpu: NamedTensorInfoMap = {};
    const created: TensorInfo[] = [];
    try {
      for (const [name, info] of Object.entries(inputs)) {
        if (info === undefined) continue;
        const copy = {
          dataId: cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype),
          shape: info.shape,
          dtype: info.dtype,
        };
        created.push(copy);
        onCpu[name] = copy;
      }
      const out = kernel.kernelFunc({
        inputs: onCpu,
        backend: cpu,
        ...(attrs === undefined ? {} : { attrs }),
      });
      const outs = Array.isArray(out) ? out : [out];
      created.push(...outs);
      const back = outs.map((o) => ({
        dataId: wasm.write(cpu.readSync(o.dataId), o.shape, o.dtype),
        shape: o.shape,
        dtype: o.dtype,
      }));
      return Array.isArray(out) ? back : back[0]!;
    } finally {
      for (const t of created) cpu.disposeData(t.dataId);
    }
  };
}

const onWasm = (kernelName: string): KernelConfig => ({
  kernelName,
  backendName: 'wasm',
  kernelFunc: viaCpu(kernelName),
});

/** Shipped by tfjs-backend-wasm 4.22 but wrong: replaced. */
export const WRONG_ON_WASM: readonly KernelConfig[] = [MaxPoolGrad, ResizeNearestNeighborGrad].map(onWasm);

/** Missing from tfjs-backend-wasm 4.22. */
export const MISSING_ON_WASM: readonly KernelConfig[] = [
  DepthwiseConv2dNativeBackpropInput,
  DepthwiseConv2dNativeBackpropFilter,
].map(onWasm);
