/**
 * Wall time of every kernel a piece of work runs on a backend: what a training step spends inside
 * kernels, by kernel, and what it spends outside them (JavaScript: the gradient tape, layers,
 * optimizers), over as many steps as asked. Each kernel registered for the backend is wrapped, for the
 * duration of `body` only, in two `performance.now()` reads; unlike tf.profile it keeps nothing of
 * the tensors, so many steps can be averaged (one step's kernel times move 10-20% from step to step on
 * a shared machine).
 *
 * Kernels that other kernels run from inside themselves (ganforge's composed wasm kernels) are
 * counted once, in the outermost kernel. The registry is restored when `body` returns or throws.
 */
import { getKernelsForBackend, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

/** One kernel's share of the timed work. */
export interface KernelTally {
  calls: number;
  ms: number;
  /** The slowest call's time and its inputs' shapes (in the kernel's input order; null: not given). */
  slowestMs: number;
  slowestInputs: (number[] | null)[];
}

export interface KernelTimes {
  /** Outermost kernel calls made by `body`. */
  readonly calls: number;
  /** Milliseconds inside them. */
  readonly kernelMs: number;
  /** Milliseconds `body` took in all. */
  readonly wallMs: number;
  readonly byKernel: ReadonlyMap<string, KernelTally>;
}

/** Runs `body` with every kernel of `backendName` timed; returns the times. */
export function timeKernels(backendName: string, body: () => void): KernelTimes {
  const byKernel = new Map<string, KernelTally>();
  let depth = 0;
  let calls = 0;
  let kernelMs = 0;
  const originals: KernelConfig[] = getKernelsForBackend(backendName);
  const timed = (k: KernelConfig): KernelConfig => ({
    ...k,
    kernelFunc: (args) => {
      if (depth > 0) return k.kernelFunc(args);
      depth += 1;
      const started = performance.now();
      try {
        return k.kernelFunc(args);
      } finally {
        const ms = performance.now() - started;
        depth -= 1;
        calls += 1;
        kernelMs += ms;
        const tally = byKernel.get(k.kernelName) ?? { calls: 0, ms: 0, slowestMs: -1, slowestInputs: [] };
        tally.calls += 1;
        tally.ms += ms;
        if (ms > tally.slowestMs) {
          tally.slowestMs = ms;
          tally.slowestInputs = Object.values(args.inputs).map((t: TensorInfo | undefined) =>
            t === undefined ? null : [...t.shape],
          );
        }
        byKernel.set(k.kernelName, tally);
      }
    },
  });
  const swap = (configs: readonly KernelConfig[], make: (k: KernelConfig) => KernelConfig): void => {
    for (const k of configs) {
      unregisterKernel(k.kernelName, backendName);
      registerKernel(make(k));
    }
  };
  swap(originals, timed);
  const started = performance.now();
  let wallMs: number;
  try {
    body();
    wallMs = performance.now() - started;
  } finally {
    swap(originals, (k) => k);
  }
  return { calls, kernelMs, wallMs, byKernel };
}
