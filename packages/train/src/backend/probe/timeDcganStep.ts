/** Times DCGAN training steps on the active backend (used by scripts/probe-wasm-step.ts). */
import * as tf from '@tensorflow/tfjs-core';
import { buildProbeDiscriminator, buildProbeGenerator, trainStep } from './dcganProbe.ts';
import type { ProbeDcganSpec } from './dcganProbe.ts';

export interface StepTiming {
  spec: ProbeDcganSpec;
  batch: number;
  steps: number;
  /** The first step, which also builds XNNPACK operators and warms caches. */
  firstStepMs: number;
  /** Mean wall time of the later steps (the first step when only one ran). */
  msPerStep: number;
  /**
   * Mean CPU time (user + system, all threads of the process) of the same steps: on a shared
   * machine it is what a step costs, where wall time also counts waiting for a core.
   */
  cpuMsPerStep: number;
  imagesPerSecond: number;
  lastLosses: { dLoss: number; gLoss: number };
  /** Tensors alive after the run: constant across step counts when nothing leaks. */
  numTensors: number;
}

/** Runs `steps` D+G steps (Adam 2e-4, beta1 0.5) on random "real" images and random z. */
export function timeDcganStep(spec: ProbeDcganSpec, batch: number, steps: number): StepTiming {
  const g = buildProbeGenerator(spec);
  const d = buildProbeDiscriminator(spec);
  const dOpt = tf.train.adam(2e-4, 0.5);
  const gOpt = tf.train.adam(2e-4, 0.5);
  const real = tf.randomUniform(
    [batch, spec.size, spec.size, spec.channels],
    -1,
    1,
    'float32',
    spec.seed + 100,
  );
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let lastLosses = { dLoss: NaN, gLoss: NaN };
  for (let i = 0; i < steps; i++) {
    const z = tf.randomNormal([batch, spec.latentDim], 0, 1, 'float32', spec.seed + 200 + i);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    lastLosses = trainStep(g, d, dOpt, gOpt, real, z);
    const c = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpuTimes.push((c.user + c.system) / 1000);
    z.dispose();
  }
  const mean = (xs: number[]): number => {
    const steady = xs.length > 1 ? xs.slice(1) : xs;
    return steady.reduce((a, b) => a + b, 0) / steady.length;
  };
  const msPerStep = mean(times);
  const numTensors = tf.memory().numTensors;
  real.dispose();
  g.dispose();
  d.dispose();
  dOpt.dispose();
  gOpt.dispose();
  return {
    spec,
    batch,
    steps,
    firstStepMs: Math.round(times[0] ?? NaN),
    msPerStep: Math.round(msPerStep),
    cpuMsPerStep: Math.round(mean(cpuTimes)),
    imagesPerSecond: Number(((batch * 1000) / msPerStep).toFixed(1)),
    lastLosses,
    numTensors,
  };
}
