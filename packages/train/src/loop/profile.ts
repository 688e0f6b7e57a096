/**
 * `ganforge train --profile`: where the time of a training step goes. Builds the run's networks and
 * optimizers exactly as training does, runs a few warm-up steps on real batches, times `steps`
 * steps, then runs `steps` more with every kernel timed (`timeKernels`) and ranks the kernels by their
 * time per step; what is not inside a kernel is the JavaScript around them. Writes nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ganforge/core';
import {
  selectBackend,
  timeKernels,
  type BackendInfo,
  type BackendName,
  type WasmGemm,
} from '@ganforge/backend';
import type { TrainConfig } from '../config/schema.ts';
import { assertShapeFits } from '../config/shape.ts';
import { assertConditioningFits } from '../config/conditioning-fits.ts';
import { batches, loadDataset, type Dataset } from '@ganforge/data';
import { initTechniqueStates, type TechniqueStates } from '../techniques/index.ts';
import { buildGan, createGanSetup, disposeGanSetup } from './gan-setup.ts';
import { trainStep } from './train-step.ts';

/** One kernel's part of a step (means over the timed steps). */
export interface KernelTime {
  readonly kernel: string;
  /** Calls per step. */
  readonly calls: number;
  /** Milliseconds per step. */
  readonly ms: number;
  /** Share of the step's time inside kernels, 0..1. */
  readonly share: number;
  /** Input shapes of its most expensive call (null: an optional input not given). */
  readonly slowestInputs: (number[] | null)[];
}

export interface StepProfile {
  readonly backend: BackendInfo;
  readonly batchSize: number;
  readonly steps: number;
  readonly msPerStep: number;
  readonly imagesPerSec: number;
  /** Kernels run by a step (each an engine dispatch with its fixed cost); mean over the timed steps. */
  readonly kernelsPerStep: number;
  /** Milliseconds per step inside kernels. */
  readonly kernelMs: number;
  /** Milliseconds per step outside them: the JavaScript of tfjs (gradient tape, layers) and ganforge. */
  readonly outsideMs: number;
  readonly kernels: readonly KernelTime[];
}

export interface ProfileOptions {
  readonly backend?: BackendName | 'auto' | undefined;
  readonly wasmThreads?: number | undefined;
  /** wasm backend: where convolutions and matmuls run (default: GANFORGE_WASM_GEMM, else onnxruntime). */
  readonly wasmGemm?: WasmGemm | undefined;
  /** Timed steps after the warm-up. Default 10. */
  readonly steps?: number | undefined;
  readonly warmup?: number | undefined;
  readonly dataset?: Dataset | undefined;
}

export async function profileTraining(
  config: TrainConfig,
  options: ProfileOptions = {},
): Promise<StepProfile> {
  const backend = await selectBackend(options.backend ?? config.backend, {
    ...(options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads }),
    ...(options.wasmGemm === undefined ? {} : { wasmGemm: options.wasmGemm }),
  });
  const dataset = options.dataset ?? (await loadDataset(config.dataset));
  assertShapeFits(config, dataset);
  assertConditioningFits(config, dataset);
  const { generator, discriminator } = buildGan(config, dataset.shape, dataset.numClasses);
  const steps = options.steps ?? 10;
  const warmup = options.warmup ?? 3;
  const setup = createGanSetup(config, generator, discriminator, warmup + 2 * steps);
  const dataRng = createRng(config.seed);
  let data = batches(dataset, config.batchSize, dataRng);
  const latentRng = createRng(config.seed + 1);
  const noiseRng = createRng(config.seed + 2);
  let techniques: TechniqueStates = initTechniqueStates(config.techniques);
  let index = 0;
  const step = (): void => {
    let next = data.next();
    if (next.done) {
      data = batches(dataset, config.batchSize, dataRng); // the next epoch
      next = data.next();
    }
    if (next.done) throw new Error(`profile: the dataset has no full batch of ${config.batchSize}`);
    const outcome = trainStep(setup, {
      real: next.value.images,
      labels: next.value.labels,
      batchSize: config.batchSize,
      index: index++,
      latentRng,
      noiseRng,
      techniques,
    });
    techniques = outcome.techniques;
  };
  try {
    for (let i = 0; i < warmup; i++) step();
    const started = performance.now();
    for (let i = 0; i < steps; i++) step();
    const msPerStep = (performance.now() - started) / steps;
    const timed = timeKernels(tf.getBackend(), () => {
      for (let i = 0; i < steps; i++) step();
    });
    const kernels = [...timed.byKernel.entries()]
      .map(([kernel, e]) => ({
        kernel,
        calls: e.calls / steps,
        ms: e.ms / steps,
        share: timed.kernelMs > 0 ? e.ms / timed.kernelMs : 0,
        slowestInputs: e.slowestInputs,
      }))
      .sort((a, b) => b.ms - a.ms);
    return {
      backend,
      batchSize: config.batchSize,
      steps,
      msPerStep,
      imagesPerSec: (config.batchSize * 1000) / msPerStep,
      kernelsPerStep: timed.calls / steps,
      kernelMs: timed.kernelMs / steps,
      outsideMs: (timed.wallMs - timed.kernelMs) / steps,
      kernels,
    };
  } finally {
    disposeGanSetup(setup);
  }
}

/** A per-step count: whole when every step ran the same number, else one decimal. */
const count = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** The profile as a text table: the step's cost, then the `top` kernels. */
export function formatStepProfile(p: StepProfile, top = 15): string {
  const b = p.backend;
  const lines = [
    `backend ${b.name} (${b.threads} thread${b.threads === 1 ? '' : 's'}${b.simd === undefined ? '' : `, simd ${b.simd ? 'on' : 'off'}`}${b.gemm === undefined ? '' : `, convolutions and matmuls on ${b.gemm}`}), batch ${p.batchSize}`,
    `${p.msPerStep.toFixed(1)} ms/step, ${p.imagesPerSec.toFixed(0)} images/s (mean of ${p.steps} steps after warm-up)`,
    `a step: ${count(p.kernelsPerStep)} kernels, ${p.kernelMs.toFixed(1)} ms inside them, ${p.outsideMs.toFixed(1)} ms outside (JavaScript: tape, layers, optimizers; mean of ${p.steps} more steps, each kernel timed)`,
    '',
    `${'kernel'.padEnd(28)} ${'calls'.padStart(5)} ${'ms'.padStart(8)} ${'share'.padStart(6)}  slowest call's inputs`,
  ];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(
      `${k.kernel.padEnd(28)} ${count(k.calls).padStart(5)} ${k.ms.toFixed(2).padStart(8)} ${`${(k.share * 100).toFixed(1)}%`.padStart(6)}  ${k.slowestInputs.map((s) => (s === null ? '-' : `[${s.join(',')}]`)).join(' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
