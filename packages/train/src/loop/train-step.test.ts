import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import type { TrainConfigInput } from '../config/schema.ts';
import { useTinySteps } from '../testing/tiny-steps.ts';
import type { GanSetup, StepOutcome } from './train-step.ts';

/**
 * The technique switches, exercised through trainStep on a tiny MLP GAN (hidden 16, batch 16,
 * real MNIST). Each test compares against the same seed with the switch off, or checks the
 * weights that should (not) move.
 */

const steps = useTinySteps();
const tiny = steps.tiny;
const run = (setup: GanSetup, n = 1, l2 = 0): StepOutcome[] => steps.run(setup, n, l2).outcomes;

function snapshot(vars: readonly tf.Variable[]): Float32Array[] {
  return vars.map((v) => v.dataSync().slice() as Float32Array);
}

function changed(before: Float32Array[], vars: readonly tf.Variable[]): boolean {
  return vars.some((v, i) => {
    const now = v.dataSync();
    const old = before[i] as Float32Array;
    return now.some((x, j) => x !== old[j]);
  });
}

function first(outcomes: StepOutcome[]): StepOutcome['metrics'] {
  return (outcomes[0] as StepOutcome).metrics;
}

describe('trainStep', () => {
  test('plain step: both networks update, metrics are finite and in range', () => {
    const s = tiny();
    const g0 = snapshot(s.gVars.variables);
    const d0 = snapshot(s.dVars.variables);
    const m = first(run(s));
    expect(changed(g0, s.gVars.variables)).toBe(true);
    expect(changed(d0, s.dVars.variables)).toBe(true);
    expect(m.dUpdates).toBe(1);
    expect(m.gUpdates).toBe(1);
    expect(m.dReal).toBeGreaterThan(0);
    expect(m.dReal).toBeLessThan(1);
    expect(m.foolRate).toBeGreaterThanOrEqual(0);
    expect(m.foolRate).toBeLessThanOrEqual(1);
    expect(m.dGradNorm).toBeGreaterThan(0);
    expect(Object.keys(m.dLayerGradNorms ?? {}).length).toBe(2);
    const perLayer = Object.values(m.gLayerGradNorms ?? {});
    expect(Math.hypot(...perLayer)).toBeCloseTo(m.gGradNorm as number, 5);
  });

  test('logging.gradNormEvery: norms on every k-th step only, the training itself unchanged', () => {
    const every = run(tiny(), 4).map((o) => o.metrics);
    const third = run(tiny({ logging: { gradNormEvery: 3 } }), 4).map((o) => o.metrics);
    expect(third.map((m) => m.dGradNorm === null)).toEqual([false, true, true, false]);
    expect(third.map((m) => m.gLayerGradNorms === null)).toEqual([false, true, true, false]);
    expect(third[3]?.dGradNorm).toBe(every[3]?.dGradNorm);
    const norms = ['gGradNorm', 'dGradNorm', 'gLayerGradNorms', 'dLayerGradNorms'];
    const withoutNorms = (m: (typeof every)[number]) =>
      Object.fromEntries(Object.entries(m).filter(([k]) => !norms.includes(k)));
    expect(third.map(withoutNorms)).toEqual(every.map(withoutNorms));
    const never = run(tiny({ logging: { gradNormEvery: 0 } }), 2).map((o) => o.metrics);
    expect(never.every((m) => m.dGradNorm === null && m.gGradNorm === null)).toBe(true);
  });

  test('no tensors leak: numTensors is constant once the optimizers hold their slots', () => {
    const s = tiny({ techniques: { instanceNoise: { enabled: true }, labels: { flipProbability: 0.2 } } });
    run(s, 2);
    const before = tf.memory().numTensors;
    run(s, 3);
    expect(tf.memory().numTensors).toBe(before);
  });

  test.each([
    {
      skips: 'D',
      when: 'err_F < margin (least squares: D(G(z)) ~ 0 gives err_F ~ 0)',
      config: { loss: 'least_squares', techniques: { marginBalance: { enabled: true, margin: 0.3 } } },
      errFake: ['toBeLessThan', 0.3],
    },
    {
      skips: 'G',
      when: 'err_F > 1 - margin (cross-entropy ~0.69 > 0.55)',
      config: { techniques: { marginBalance: { enabled: true, margin: 0.45 } } },
      errFake: ['toBeGreaterThan', 0.55],
    },
  ] as const)('margin balance skips $skips when $when', ({ skips, config, errFake }) => {
    const s = tiny(config);
    const g0 = snapshot(s.gVars.variables);
    const d0 = snapshot(s.dVars.variables);
    const m = first(run(s));
    expect(m.dLossFake)[errFake[0]](errFake[1]);
    expect(skips === 'D' ? m.skippedD : m.skippedG).toBe(true);
    expect(skips === 'D' ? m.dUpdates : m.gUpdates).toBe(0);
    expect(changed(d0, s.dVars.variables)).toBe(skips !== 'D');
    expect(changed(g0, s.gVars.variables)).toBe(skips !== 'G');
  });

  test("adaptive L2 moves the coefficient from G's loss and changes D's update", () => {
    const on = tiny({
      techniques: { adaptiveL2: { enabled: true, initial: 0.5, upper: 0.1, lower: 0.05, delta: 0.01 } },
    });
    const off = tiny();
    const o = run(on, 1, 0.5)[0] as StepOutcome;
    run(off, 1);
    expect(o.metrics.l2).toBe(0.5);
    expect(o.metrics.gLoss as number).toBeGreaterThan(0.1);
    expect(o.techniques.adaptiveL2.l2).toBeCloseTo(0.51, 10);
    const dOn = on.dVars.variables[0]?.dataSync() as Float32Array;
    const dOff = off.dVars.variables[0]?.dataSync() as Float32Array;
    expect(dOn.some((x, i) => x !== dOff[i])).toBe(true);
    // below `lower` the coefficient shrinks, never under 0
    const down = tiny({
      techniques: { adaptiveL2: { enabled: true, initial: 0, upper: 10, lower: 5, delta: 0.01 } },
    });
    expect((run(down, 1, 0)[0] as StepOutcome).techniques.adaptiveL2.l2).toBe(0);
  });

  test('instance noise: sigma starts at initialSigma, reaches 0 at the end, and changes what D sees', () => {
    const noisy = tiny({ techniques: { instanceNoise: { enabled: true, initialSigma: 0.5 } } });
    const clean = tiny();
    const steps = run(noisy, 10).map((o) => o.metrics.noiseSigma);
    expect(steps[0]).toBe(0.5);
    expect(steps[9]).toBe(0);
    expect(steps[5] as number).toBeLessThan(steps[4] as number);
    const fresh = tiny({ techniques: { instanceNoise: { enabled: true, initialSigma: 0.5 } } });
    expect(first(run(fresh)).dLossReal).not.toBe(first(run(clean)).dLossReal);
  });

  test('one-sided label smoothing changes only the real-side loss; flipping changes the targets', () => {
    const plain = first(run(tiny()));
    const smooth = first(
      run(tiny({ techniques: { labels: { oneSidedSmoothing: true, smoothTarget: 0.9 } } })),
    );
    expect(smooth.dLossReal).not.toBe(plain.dLossReal);
    expect(smooth.dLossFake).toBe(plain.dLossFake);
    const flipped = first(run(tiny({ techniques: { labels: { flipProbability: 0.5 } } })));
    expect(flipped.dLossReal).not.toBe(plain.dLossReal);
  });

  test('moment matching adds its term to the G loss', () => {
    const plain = first(run(tiny()));
    const mm = first(run(tiny({ techniques: { momentMatching: { enabled: true } } })));
    expect(plain.momentMatching).toBe(0);
    expect(mm.momentMatching as number).toBeGreaterThan(0);
    expect(mm.gLoss as number).toBeCloseTo((plain.gLoss as number) + (mm.momentMatching as number), 5);
    const features = first(
      run(tiny({ techniques: { momentMatching: { enabled: true, features: 'discriminator' } } })),
    );
    expect(features.momentMatching as number).toBeGreaterThan(0);
    expect(features.momentMatching).not.toBe(mm.momentMatching);
  });

  test('mixed real/fake batches change batchnorm statistics in D; without batchnorm they do not', () => {
    const bn: TrainConfigInput = { discriminator: { kind: 'mlp', hidden: [16], batchNorm: true } };
    const separate = first(run(tiny(bn)));
    const mixed = first(run(tiny({ ...bn, batchMode: 'mixed' })));
    expect(mixed.dLossReal).not.toBeCloseTo(separate.dLossReal, 4);
    const a = first(run(tiny()));
    const b = first(run(tiny({ batchMode: 'mixed' })));
    expect(b.dLossReal).toBeCloseTo(a.dLossReal, 5);
  });

  test('frozenInference runs the network not being trained in inference mode (dropout off in D for G)', () => {
    const dropout: TrainConfigInput = { discriminator: { kind: 'mlp', hidden: [16], dropout: 0.5 } };
    const train = first(run(tiny(dropout)));
    const frozen = first(run(tiny({ ...dropout, frozenInference: true })));
    expect(frozen.dLossReal).toBe(train.dLossReal); // D's own step is in training mode either way
    expect(frozen.gLoss).not.toBe(train.gLoss);
  });

  test('k D steps per G step, and several G steps per D step', () => {
    const k = run(tiny({ dStepsPerG: 2 }), 2);
    expect(k.map((o) => [o.metrics.dUpdates, o.metrics.gUpdates, o.metrics.gLoss === null])).toEqual([
      [1, 0, true],
      [1, 1, false],
    ]);
    const g = first(run(tiny({ gStepsPerD: 3 })));
    expect(g.gUpdates).toBe(3);
  });

  test('two time-scale rates and RMSProp are used as configured', () => {
    const s = tiny({ optimizers: { g: { lr: 0.0001 }, d: { kind: 'rmsprop', lr: 0.0004 } } });
    const m = first(run(s));
    expect([m.lrG, m.lrD]).toEqual([0.0001, 0.0004]);
    expect(s.dOptimizer.getClassName()).toBe('RMSProp');
    expect(s.gOptimizer.getClassName()).toBe('Adam');
  });
});
