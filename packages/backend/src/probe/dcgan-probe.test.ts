import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, onBackend, pseudoRandom, useBackendInSuite } from '../testing/on-backend.ts';
import { buildProbeDiscriminator, buildProbeGenerator, probeGradients, trainStep } from './dcgan-probe.ts';
import type { ProbeDcganSpec, ProbeGrads } from './dcgan-probe.ts';

// Odd kernel (5) with 'same' transposed convs, 16x16 output (4 -> 8 -> 16), tiny widths.
const spec: ProbeDcganSpec = {
  size: 16,
  channels: 1,
  latentDim: 16,
  gFilters: 8,
  dFilters: 4,
  kernelSize: 5,
  seed: 7,
};
const batch = 4;

const inputs = (): { real: tf.Tensor; z: tf.Tensor } => ({
  real: tf.tensor4d(pseudoRandom(batch * spec.size * spec.size, 11), [batch, spec.size, spec.size, 1]),
  z: tf.tensor2d(pseudoRandom(batch * spec.latentDim, 12), [batch, spec.latentDim]),
});

function gradients(): ProbeGrads {
  const g = buildProbeGenerator(spec);
  const d = buildProbeDiscriminator(spec);
  const { real, z } = inputs();
  const out = probeGradients(g, d, real, z);
  tf.dispose([real, z]);
  g.dispose();
  d.dispose();
  return out;
}

/** Two full steps (D: Adam, G: RMSProp); the losses of both and the tensor count after each. */
function twoSteps(): { losses: number[]; tensors: number[] } {
  const g = buildProbeGenerator(spec);
  const d = buildProbeDiscriminator(spec);
  const dOpt = tf.train.adam(1e-3, 0.5);
  const gOpt = tf.train.rmsprop(1e-3);
  const { real, z } = inputs();
  const losses: number[] = [];
  const tensors: number[] = [];
  for (let i = 0; i < 2; i++) {
    const { dLoss, gLoss } = trainStep(g, d, dOpt, gOpt, real, z);
    losses.push(dLoss, gLoss);
    tensors.push(tf.memory().numTensors);
  }
  tf.dispose([real, z]);
  [g, d, dOpt, gOpt].forEach((x) => x.dispose());
  return { losses, tensors };
}

/**
 * Within 1e-3 of the gradient's size, plus 1e-6 for gradients that are zero in exact arithmetic
 * (a conv bias followed by batchnorm) and so float noise on both backends.
 */
const closeGrads = (actual: Float32Array, expected: Float32Array): boolean =>
  maxAbsDiff(actual, expected) <= 1e-3 * Math.max(...expected.map(Math.abs)) + 1e-6;

describe('a full DCGAN training step on wasm', () => {
  useBackendInSuite('wasm');

  it('computes the same D and G losses and gradients as cpu, for every weight', async () => {
    const cpu = await onBackend('cpu', gradients);
    const wasm = await onBackend('wasm', gradients);
    expect(wasm.dLoss).toBeCloseTo(cpu.dLoss, 4);
    expect(wasm.gLoss).toBeCloseTo(cpu.gLoss, 4);
    expect(wasm.dGrads).toHaveLength(cpu.dGrads.length);
    expect(wasm.gGrads).toHaveLength(cpu.gGrads.length);
    // D: 2 convs (kernel + bias), BN (gamma, beta), dense (kernel + bias); G: dense, 2 BN, 2 convT (+ bias).
    expect(cpu.dGrads.length).toBe(8);
    expect(cpu.gGrads.length).toBe(8);
    cpu.dGrads.forEach((g, i) => expect(closeGrads(wasm.dGrads[i]!, g), `D weight ${i}`).toBe(true));
    // The real signal: D's first conv kernel and G's first transposed conv kernel have sizable gradients.
    expect(Math.max(...cpu.dGrads[0]!.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(Math.max(...cpu.gGrads[3]!.map(Math.abs))).toBeGreaterThan(1e-4);
    cpu.gGrads.forEach((g, i) => expect(closeGrads(wasm.gGrads[i]!, g), `G weight ${i}`).toBe(true));
  });

  it('trains with Adam and RMSProp like cpu does, without leaking tensors', async () => {
    const cpu = await onBackend('cpu', twoSteps);
    const wasm = await onBackend('wasm', twoSteps);
    wasm.losses.forEach((l, i) => {
      expect(Number.isFinite(l)).toBe(true);
      expect(l).toBeCloseTo(cpu.losses[i]!, 3);
    });
    expect(wasm.losses[2]).not.toBe(wasm.losses[0]); // the first update changed D
    expect(wasm.tensors[1]).toBe(wasm.tensors[0]);
  });
});
