import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, test } from 'vitest';
import type { TrainConfigInput } from '../config/schema.ts';
import { D_CLASS_EMBEDDING, D_CLASS_LOGITS, G_CLASS_EMBEDDING } from '../models/index.ts';
import { useTinySteps } from '../testing/tiny-steps.ts';
import type { GanSetup } from './train-step.ts';

/**
 * Class-conditional steps (docs/techniques.md#class-conditioning) on a tiny MLP GAN (hidden 16, batch 16,
 * real MNIST with its labels): the class reaches both networks, ACGAN's class terms train D's class head
 * exactly when their weight is not 0, and the fakes take the real batch's labels without any random draw.
 */

const { tiny, run } = useTinySteps({ base: { conditioning: {} }, labels: true });

function weights(setup: GanSetup, model: 'generator' | 'discriminator', layer: string): number[] {
  return setup[model]
    .getLayer(layer)
    .getWeights()
    .flatMap((w) => Array.from(w.dataSync()));
}

describe('class-conditional trainStep', () => {
  test('projection D, multiply G: both class embeddings learn, metrics finite, no dClassAccuracy', () => {
    const s = tiny();
    const g0 = weights(s, 'generator', G_CLASS_EMBEDDING);
    const d0 = weights(s, 'discriminator', D_CLASS_EMBEDDING);
    const m = run(s, 2).outcomes.map((o) => o.metrics);
    expect(weights(s, 'generator', G_CLASS_EMBEDDING)).not.toEqual(g0);
    expect(weights(s, 'discriminator', D_CLASS_EMBEDDING)).not.toEqual(d0);
    for (const x of m) {
      expect([x.dLossReal, x.dLossFake, x.gLoss].every((v) => Number.isFinite(v))).toBe(true);
      expect(x.dUpdates + x.gUpdates).toBe(2);
      expect('dClassAccuracy' in x).toBe(false);
    }
  });

  test('auxiliary D: its class head learns only from the class terms (w = 0: it stays); dClassAccuracy in [0, 1]', () => {
    for (const w of [0, 1]) {
      const s = tiny({ conditioning: { discriminator: 'auxiliary', auxiliaryWeight: w } });
      const head0 = weights(s, 'discriminator', D_CLASS_LOGITS);
      const m = run(s, 2).outcomes.map((o) => o.metrics);
      const moved = weights(s, 'discriminator', D_CLASS_LOGITS).some((v, i) => v !== head0[i]);
      expect(moved).toBe(w > 0);
      for (const x of m) {
        expect(x.dClassAccuracy).toBeGreaterThanOrEqual(0);
        expect(x.dClassAccuracy).toBeLessThanOrEqual(1);
        expect(Number.isFinite(x.gLoss)).toBe(true);
      }
    }
  });

  test('the class terms enter G and D: another weight gives other losses from the same step on', () => {
    const a = run(tiny({ conditioning: { discriminator: 'auxiliary', auxiliaryWeight: 1 } }), 2).outcomes;
    const b = run(tiny({ conditioning: { discriminator: 'auxiliary', auxiliaryWeight: 3 } }), 2).outcomes;
    // Step 1's D losses are measured before any update: the same. G's loss after D's update: not.
    expect(b[0]?.metrics.dLossReal).toBe(a[0]?.metrics.dLossReal);
    expect(b[0]?.metrics.gLoss).not.toBe(a[0]?.metrics.gLoss);
    expect(b[1]?.metrics.dLossReal).not.toBe(a[1]?.metrics.dLossReal);
  });

  test('y_fake = y_real: a conditional step draws exactly what an unconditional one draws', () => {
    const techniques: TrainConfigInput = {
      discriminator: { kind: 'mlp', hidden: [16], dropout: 0.3 },
      techniques: { instanceNoise: { enabled: true }, labels: { flipProbability: 0.2 } },
      gStepsPerD: 2,
    };
    const plain = run(tiny({ ...techniques, conditioning: undefined }), 3);
    for (const conditioning of [{}, { generator: 'concat', discriminator: 'auxiliary' }] as const) {
      const cond = run(tiny({ ...techniques, conditioning }), 3);
      expect(cond.latentRng.getState()).toEqual(plain.latentRng.getState());
      expect(cond.noiseRng.getState()).toEqual(plain.noiseRng.getState());
    }
  });

  test.each([
    [
      'projection D, moment matching on its features, mixed batches',
      { techniques: { momentMatching: { enabled: true, features: 'discriminator' } }, batchMode: 'mixed' },
    ],
    [
      'auxiliary D with spectral norm, frozen inference, concat G',
      {
        conditioning: { generator: 'concat', discriminator: 'auxiliary' },
        discriminator: { kind: 'mlp', hidden: [16], spectralNorm: true, dropout: 0.3 },
        frozenInference: true,
        techniques: {
          momentMatching: { enabled: true, features: 'discriminator' },
          adaptiveL2: { enabled: true },
        },
      },
    ],
  ] as const)('%s: finite, and no tensors leak', (_name, overrides) => {
    const s = tiny(overrides as TrainConfigInput);
    const m = run(s, 2).outcomes.map((o) => o.metrics);
    expect(m.every((x) => Number.isFinite(x.gLoss) && Number.isFinite(x.dLossFake))).toBe(true);
    expect(m.every((x) => (x.momentMatching ?? 0) > 0)).toBe(true);
    const before = tf.memory().numTensors;
    run(s, 2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
