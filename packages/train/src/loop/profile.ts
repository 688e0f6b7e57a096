/**
 * `ganforge train --profile`: where the time of a training step goes. Builds the run's networks and
 * optimizers exactly as training does, runs a few warm-up steps on real batches, times `steps`
 * steps, then records one step with tf.profile and ranks its kernels. Writes nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@ganforge/core';
import { selectBackend, type BackendInfo, type BackendName } from '@ganforge/backend';
import type { TrainConfig } from '../config/schema.ts';
import { assertShapeFits } from '../config/shape.ts';
import { assertConditioningFits } from '../config/conditioning-fits.ts';
import { batches, loadDataset, type Dataset } from '@ganforge/data';
import { initTechniqueStates, type TechniqueStates } from '../techniques/index.ts';
import { buildGan, createGanSetup, disposeGanSetup } from './gan-setup.ts';
import { trainStep } from './train-step.ts';

export interface KernelTime {
  readonly kernel: string;
  readonly calls: number;
  readonly ms: number;
  /** Share of the kernel time of the step, 0..1. */
  readonly share: number;
  /** Input shapes of its most expensive call. */
  readonly slowestInputs: (number[] | null)[];
}

export interface StepProfile {
  readonly backend: BackendInfo;
  readonly batchSize: number;
  readonly steps: number;
  readonly msPerStep: number;
  readonly imagesPerSec: number;
  /** Kernels run by one step (each an engine dispatch with its fixed cost). */
  readonly kernelsPerStep: number;
  /** Time inside kernels in the profiled step (profiling itself adds some). */
  readonly kernelMs: number;
  readonly kernels: readonly KernelTime[];
}

export interface ProfileOptions {
  readonly backend?: BackendName | 'auto' | undefined;
  readonly wasmThreads?: number | undefined;
  /** Timed steps after the warm-up. Default 10. */
  readonly steps?: number | undefined;
  readonly warmup?: number | undefined;
  readonly dataset?: Dataset | undefined;
}

/** Scope names tf.profile also records around the kernels they contain (counted once, by kernel). */
const isScope = (name: string): boolean => name.endsWith('__op') || name === '';

export async function profileTraining(
  config: TrainConfig,
  options: ProfileOptions = {},
): Promise<StepProfile> {
  const backend = await selectBackend(
    options.backend ?? config.backend,
    options.wasmThreads === undefined ? {} : { wasmThreads: options.wasmThreads },
  );
  const dataset = options.dataset ?? (await loadDataset(config.dataset));
  assertShapeFits(config, dataset);
  assertConditioningFits(config, dataset);
  const { generator, discriminator } = buildGan(config, dataset.shape, dataset.numClasses);
  const steps = options.steps ?? 10;
  const warmup = options.warmup ?? 3;
  const setup = createGanSetup(config, generator, discriminator, warmup + steps + 1);
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
    const profile = await tf.profile(step);
    const byKernel = new Map<
      string,
      { calls: number; ms: number; slowest: number; inputs: (number[] | null)[] }
    >();
    let kernelMs = 0;
    let kernelsPerStep = 0;
    for (const k of profile.kernels) {
      if (isScope(k.name)) continue;
      const ms = Number(k.kernelTimeMs);
      kernelsPerStep += 1;
      kernelMs += ms;
      const e = byKernel.get(k.name) ?? { calls: 0, ms: 0, slowest: -1, inputs: [] };
      e.calls += 1;
      e.ms += ms;
      if (ms > e.slowest) {
        e.slowest = ms;
        e.inputs = k.inputShapes;
      }
      byKernel.set(k.name, e);
    }
    const kernels = [...byKernel.entries()]
      .map(([kernel, e]) => ({
        kernel,
        calls: e.calls,
        ms: e.ms,
        share: kernelMs > 0 ? e.ms / kernelMs : 0,
        slowestInputs: e.inputs,
      }))
      .sort((a, b) => b.ms - a.ms);
    return {
      backend,
      batchSize: config.batchSize,
      steps,
      msPerStep,
      imagesPerSec: (config.batchSize * 1000) / msPerStep,
      kernelsPerStep,
      kernelMs,
      kernels,
    };
  } finally {
    disposeGanSetup(setup);
  }
}

/** The profile as a text table: the step's cost, then the `top` kernels. */
export function formatStepProfile(p: StepProfile, top = 15): string {
  const b = p.backend;
  const lines = [
    `backend ${b.name} (${b.threads} thread${b.threads === 1 ? '' : 's'}${b.simd === undefined ? '' : `, simd ${b.simd ? 'on' : 'off'}`}), batch ${p.batchSize}`,
    `${p.msPerStep.toFixed(1)} ms/step, ${p.imagesPerSec.toFixed(0)} images/s (mean of ${p.steps} steps after warm-up)`,
    `one step: ${p.kernelsPerStep} kernels, ${p.kernelMs.toFixed(1)} ms inside them (profiled)`,
    '',
    `${'kernel'.padEnd(28)} ${'calls'.padStart(5)} ${'ms'.padStart(8)} ${'share'.padStart(6)}  slowest call's inputs`,
  ];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(
      `${k.kernel.padEnd(28)} ${String(k.calls).padStart(5)} ${k.ms.toFixed(2).padStart(8)} ${`${(k.share * 100).toFixed(1)}%`.padStart(6)}  ${k.slowestInputs.map((s) => (s === null ? '-' : `[${s.join(',')}]`)).join(' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
