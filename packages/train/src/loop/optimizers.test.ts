import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '@ganforge/backend';
import { ADAM_UPDATE, WASM_VECTOR_FROM } from '@ganforge/backend';
import { pseudoRandom } from '@ganforge/backend/testing';
import { createOptimizer, FusedAdamOptimizer } from './optimizers.ts';

const adamConfig = {
  kind: 'adam',
  lr: 0.01,
  beta1: 0.5,
  beta2: 0.999,
  epsilon: 1e-8,
  decay: 0.9,
  momentum: 0,
} as const;

/** Weights and both moment slots after `steps` updates of two variables with changing gradients. */
async function train(optimizer: tf.Optimizer, steps: number): Promise<number[][]> {
  const vars = tf.tidy(() => [
    tf.variable(tf.tensor(pseudoRandom(300, 1), [30, 10])),
    tf.variable(tf.tensor(pseudoRandom(7, 2))),
    tf.variable(tf.tensor(pseudoRandom(WASM_VECTOR_FROM + 5, 9))), // the vectorized path on wasm
  ]);
  for (let t = 0; t < steps; t++) {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      grads[v.name] = tf.tensor(pseudoRandom(v.size, 10 * t + i + 3), v.shape);
    });
    optimizer.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const weights = await optimizer.getWeights();
  const out = [
    ...vars.map((v) => Array.from(v.dataSync())),
    ...weights.slice(1).map((w) => Array.from(w.tensor.dataSync())),
  ];
  weights[0]?.tensor.dispose();
  vars.forEach((v) => v.dispose());
  optimizer.dispose();
  return out;
}

describe('FusedAdamOptimizer', () => {
  it.each(['wasm', 'cpu'] as const)(
    'on %s: one kernel per variable, bit-identical to tf.train.adam',
    async (backend) => {
      await selectBackend(backend);
      expect(tf.getKernel(ADAM_UPDATE, backend)).toBeDefined();
      const fused = createOptimizer(adamConfig);
      expect(fused).toBeInstanceOf(FusedAdamOptimizer);
      expect(fused.getClassName()).toBe('Adam'); // checkpoints stay interchangeable
      const before = tf.memory().numTensors;
      const got = await train(fused, 5);
      expect(tf.memory().numTensors).toBe(before - 2); // its two accumulators are gone with it
      const reference = tf.train.adam(adamConfig.lr, adamConfig.beta1, adamConfig.beta2, adamConfig.epsilon);
      expect(got).toEqual(await train(reference, 5));
    },
  );

  it('counts kernels: a step of two variables runs far fewer than tfjs Adam', async () => {
    await selectBackend('wasm');
    const count = async (opt: tf.Optimizer): Promise<number> => {
      const v = tf.variable(tf.ones([4]));
      const g = { [v.name]: tf.ones([4]) };
      opt.applyGradients(g); // slots created
      const profile = await tf.profile(() => opt.applyGradients(g));
      tf.dispose([v, g[v.name]!]);
      opt.dispose();
      return profile.kernels.length;
    };
    const fused = await count(createOptimizer(adamConfig));
    const plain = await count(tf.train.adam(0.01, 0.5, 0.999, 1e-8));
    expect(fused).toBeLessThan(plain / 2);
  });
});
