import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { kernelInit } from './init.ts';
import { unfuseUnderGradients } from './unfused-under-gradients.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A G-like net (z -> dense -> 6x6x4) and a D-like net (conv -> flatten -> dense logit), all linear. */
function nets(seed: number): { g: tfl.LayersModel; d: tfl.LayersModel } {
  const z = tfl.input({ shape: [5] });
  const h = tfl.layers.dense({ units: 144, kernelInitializer: kernelInit(seed) }).apply(z) as tfl.SymbolicTensor;
  const image = tfl.layers.reshape({ targetShape: [6, 6, 4] }).apply(h) as tfl.SymbolicTensor;
  const g = tfl.model({ inputs: z, outputs: image });
  const x = tfl.input({ shape: [6, 6, 4] });
  const c = tfl.layers
    .conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: kernelInit(seed + 1) })
    .apply(x) as tfl.SymbolicTensor;
  const f = tfl.layers.flatten().apply(c) as tfl.SymbolicTensor;
  const logit = tfl.layers.dense({ units: 1, kernelInitializer: kernelInit(seed + 2) }).apply(f) as tfl.SymbolicTensor;
  return { g, d: tfl.model({ inputs: x, outputs: logit }) };
}

const vars = (m: tfl.LayersModel): tf.Variable[] => m.trainableWeights.map((w) => w.read() as tf.Variable);

/** G's gradients of sum(D(G(z))) (D not trained), and the kernels that computed them. */
async function gStep(g: tfl.LayersModel, d: tfl.LayersModel, z: tf.Tensor): Promise<{ grads: number[][]; kernels: string[] }> {
  let grads: number[][] = [];
  const info = await tf.profile(() => {
    const { grads: named } = tf.variableGrads(() => tf.sum(d.apply(g.apply(z)) as tf.Tensor) as tf.Scalar, vars(g));
    grads = Object.values(named).map((t) => Array.from(t.dataSync()));
    tf.dispose(Object.values(named));
  });
  return { grads, kernels: info.kernels.map((k) => k.name) };
}

/** D's gradients of sum(D(x)) for a constant x, and the kernels. */
async function dStep(d: tfl.LayersModel, x: tf.Tensor): Promise<{ grads: number[][]; kernels: string[] }> {
  let grads: number[][] = [];
  const info = await tf.profile(() => {
    const { grads: named } = tf.variableGrads(() => tf.sum(d.apply(x) as tf.Tensor) as tf.Scalar, vars(d));
    grads = Object.values(named).map((t) => Array.from(t.dataSync()));
    tf.dispose(Object.values(named));
  });
  return { grads, kernels: info.kernels.map((k) => k.name) };
}

function expectClose(a: number[][], b: number[][]): void {
  expect(a.length).toBe(b.length);
  a.forEach((row, i) => {
    const other = b[i] as number[];
    expect(row.length).toBe(other.length);
    const worst = Math.max(...row.map((v, j) => Math.abs(v - (other[j] as number))));
    expect(worst).toBeLessThan(1e-5);
  });
}

describe('unfuseUnderGradients: a step computes only the gradients it trains with', () => {
  const z = tf.randomUniform([4, 5], -1, 1, 'float32', 3);
  const images = tf.randomUniform([4, 6, 6, 4], -1, 1, 'float32', 4);

  it("G's update no longer computes D's filter gradient, with the same gradients for G", async () => {
    const { g, d } = nets(11);
    const fused = await gStep(g, d, z);
    // tfjs-layers' fused conv computes its filter gradient although D is not being trained: the waste.
    expect(fused.kernels).toContain('Conv2DBackpropFilter');
    expect(unfuseUnderGradients(d).sort()).toEqual(d.layers.filter((l) => /Conv2D|Dense/.test(l.getClassName())).map((l) => l.name).sort());
    unfuseUnderGradients(g);
    const unfused = await gStep(g, d, z);
    expect(unfused.kernels).not.toContain('Conv2DBackpropFilter');
    expect(unfused.kernels).toContain('Conv2DBackpropInput'); // G still gets its gradient through D
    expect(unfused.kernels.length).toBeLessThan(fused.kernels.length);
    expectClose(unfused.grads, fused.grads);
  });

  it("D's update no longer computes the gradient with respect to the images", async () => {
    const { d } = nets(12);
    const fused = await dStep(d, images);
    expect(fused.kernels).toContain('Conv2DBackpropInput');
    unfuseUnderGradients(d);
    const unfused = await dStep(d, images);
    expect(unfused.kernels).not.toContain('Conv2DBackpropInput');
    expect(unfused.kernels).toContain('Conv2DBackpropFilter');
    expectClose(unfused.grads, fused.grads);
  });

  it('leaves inference fused and unchanged, and a second call changes nothing more', async () => {
    const { d } = nets(13);
    const before = Array.from((d.predict(images) as tf.Tensor).dataSync());
    unfuseUnderGradients(d);
    const calls = d.layers.map((l) => l.call);
    expect(unfuseUnderGradients(d).length).toBe(2);
    expect(d.layers.map((l) => l.call)).toEqual(calls);
    const info = await tf.profile(() => {
      const after = Array.from((d.predict(images) as tf.Tensor).dataSync());
      expect(after).toEqual(before);
    });
    expect(info.kernels.map((k) => k.name)).toContain('FusedConv2D');
  });

  it('leaves a layer with a non-linear activation (already unfused by tfjs under gradients) alone', () => {
    const x = tfl.input({ shape: [3] });
    const y = tfl.layers.dense({ units: 2, activation: 'sigmoid' }).apply(x) as tfl.SymbolicTensor;
    const m = tfl.model({ inputs: x, outputs: y });
    expect(unfuseUnderGradients(m)).toEqual([]);
  });
});
