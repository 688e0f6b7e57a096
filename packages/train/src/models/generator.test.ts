import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { GanforgeError } from '@ganforge/core';
import type { ImageShape } from '@ganforge/data';
import { GeneratorConfigSchema, type GeneratorConfig } from './config.ts';
import { buildGenerator } from './generator.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST: ImageShape = { height: 28, width: 28, channels: 1 };

function sample(g: ReturnType<typeof buildGenerator>, n: number, latentDim: number): tf.Tensor {
  return tf.tidy(() => g.predict(tf.randomUniform([n, latentDim], -1, 1, 'float32', 7)) as tf.Tensor);
}

describe('buildGenerator: MLP layouts of "Using Moments…" (docs/techniques.md#mlp-gans)', () => {
  const layouts: [string, object][] = [
    ['test 1: one hidden layer of 128, leaky relu', { kind: 'mlp', hidden: [128], activation: 'leaky_relu' }],
    ['test 2: two hidden layers 128/384', { kind: 'mlp', hidden: [128, 384], activation: 'leaky_relu' }],
    ['test 3: two hidden layers with batch norm', { kind: 'mlp', hidden: [128, 384], batchNorm: true }],
    ['test 4: four hidden layers with batch norm', { kind: 'mlp', hidden: [128, 256, 384, 512], batchNorm: true }],
    ['test 7: four hidden, dropout + batch norm', { kind: 'mlp', hidden: [128, 256, 384, 512], batchNorm: true, dropout: 0.3 }],
  ];
  it.each(layouts)('%s: z [N,100] -> [N,28,28,1] in [-1,1]', (_name, raw) => {
    const cfg = GeneratorConfigSchema.parse(raw);
    const g = buildGenerator(cfg, { latentDim: 100, shape: MNIST, seed: 1 });
    const hidden = (cfg as { hidden: number[] }).hidden;
    const denseLayers = g.layers.filter((l) => l.getClassName() === 'Dense');
    expect(denseLayers.map((l) => (l.getConfig()['units'] as number))).toEqual([...hidden, 784]);
    const x = sample(g, 3, 100);
    expect(x.shape).toEqual([3, 28, 28, 1]);
    const v = x.dataSync();
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    x.dispose();
    g.dispose();
  });

  it('takes any image shape (e.g. 30x20x3)', () => {
    const g = buildGenerator(GeneratorConfigSchema.parse({ kind: 'mlp', hidden: [8] }), {
      latentDim: 4,
      shape: { height: 30, width: 20, channels: 3 },
      seed: 1,
    });
    const x = sample(g, 2, 4);
    expect(x.shape).toEqual([2, 30, 20, 3]);
    x.dispose();
    g.dispose();
  });
});

describe('buildGenerator: DCGAN', () => {
  const cases: [number, 1 | 3, 3 | 4 | 5][] = [];
  for (const size of [28, 32, 64]) for (const ch of [1, 3] as const) for (const k of [3, 4, 5] as const) cases.push([size, ch, k]);

  it.each(cases)('%i px, %i channels, kernel %i -> NHWC output', (size, channels, kernelSize) => {
    const cfg = GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2, kernelSize });
    const g = buildGenerator(cfg, { latentDim: 8, shape: { height: size, width: size, channels }, seed: 3 });
    const x = sample(g, 2, 8);
    expect(x.shape).toEqual([2, size, size, channels]);
    const convs = g.layers.filter((l) => l.getClassName() === 'Conv2DTranspose');
    expect(convs.length).toBe(size === 28 ? 2 : Math.log2(size / 4));
    for (const c of convs) expect(c.getConfig()['kernelSize']).toEqual([kernelSize, kernelSize]);
    x.dispose();
    g.dispose();
  });

  it('doubles filters per stage from baseFilters and uses batch norm + relu by default', () => {
    const g = buildGenerator(GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 3 }), {
      latentDim: 8,
      shape: { height: 64, width: 64, channels: 3 },
      seed: 1,
    });
    const filters = g.layers
      .filter((l) => l.getClassName() === 'Conv2DTranspose')
      .map((l) => l.getConfig()['filters']);
    expect(filters).toEqual([12, 6, 3, 3]);
    expect(g.getLayer('g_reshape').outputShape).toEqual([null, 4, 4, 24]);
    expect(g.layers.filter((l) => l.getClassName() === 'BatchNormalization')).toHaveLength(4);
    expect(g.layers.filter((l) => l.getClassName() === 'ReLU')).toHaveLength(4);
    g.dispose();
  });

  it('uses only standard tfjs layers (exportable)', () => {
    const g = buildGenerator(GeneratorConfigSchema.parse({}), { latentDim: 8, shape: MNIST, seed: 1 });
    const standard = new Set(['InputLayer', 'Dense', 'Reshape', 'BatchNormalization', 'ReLU', 'LeakyReLU', 'Conv2DTranspose', 'Activation']);
    for (const l of g.layers) expect(standard.has(l.getClassName())).toBe(true);
    g.dispose();
  });

  it('ends in tanh: saturates to, never beyond, [-1, 1] even with huge weights', () => {
    const g = buildGenerator(GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2 }), {
      latentDim: 8,
      shape: MNIST,
      seed: 5,
    });
    const out = g.getLayer('g_deconv_out');
    out.setWeights(out.getWeights().map((w) => tf.mul(w, 1e4)));
    const x = sample(g, 4, 8);
    const v = x.dataSync();
    expect(Math.max(...v)).toBeLessThanOrEqual(1);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.999);
    x.dispose();
    g.dispose();
  });
});

describe('buildGenerator: initialization', () => {
  const cfg: GeneratorConfig = GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 4 });
  const weightsOf = (seed: number): Float32Array[] => {
    const g = buildGenerator(cfg, { latentDim: 16, shape: MNIST, seed });
    const ws = g.getWeights().map((w) => w.dataSync() as Float32Array);
    g.dispose();
    return ws;
  };

  it('same seed -> same initial weights; another seed -> different ones', () => {
    const a = weightsOf(42);
    const b = weightsOf(42);
    const c = weightsOf(43);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it('kernels ~ N(0, 0.02), BN gamma ~ N(1, 0.02), layers draw different values', () => {
    const g = buildGenerator(cfg, { latentDim: 16, shape: MNIST, seed: 9 });
    const kernel = Array.from(g.getLayer('g_project').getWeights()[0]!.dataSync());
    const m = kernel.reduce((s, v) => s + v, 0) / kernel.length;
    const sd = Math.sqrt(kernel.reduce((s, v) => s + (v - m) ** 2, 0) / kernel.length);
    expect(Math.abs(m)).toBeLessThan(0.002);
    expect(sd).toBeGreaterThan(0.018);
    expect(sd).toBeLessThan(0.022);
    const gamma = Array.from(g.getLayer('g_bn_project').getWeights()[0]!.dataSync());
    const gm = gamma.reduce((s, v) => s + v, 0) / gamma.length;
    expect(Math.abs(gm - 1)).toBeLessThan(0.02);
    expect(new Set(gamma).size).toBeGreaterThan(1);
    const k0 = g.getLayer('g_deconv_0').getWeights()[0]!.dataSync();
    const k1 = g.getLayer('g_deconv_out').getWeights()[0]!.dataSync();
    expect(k0[0]).not.toBe(k1[0]);
    g.dispose();
  });
});

describe('buildGenerator: bad shapes', () => {
  const dcgan = GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2 });
  it.each([
    [{ height: 30, width: 30, channels: 1 }, '30x30x1'],
    [{ height: 28, width: 32, channels: 1 }, '28x32x1'],
    [{ height: 48, width: 48, channels: 3 }, '48x48x3'],
  ] as [ImageShape, string][])('DCGAN at %o -> GanforgeError naming %s', (shape, name) => {
    let err: unknown;
    try {
      buildGenerator(dcgan, { latentDim: 8, shape, seed: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GanforgeError);
    expect((err as GanforgeError).code).toBe('unsupported_image_shape');
    expect((err as GanforgeError).message).toContain(name);
    expect((err as GanforgeError).hint).toMatch(/size|mlp/);
  });

  it('rejects 2 channels and a bad latent size for any kind', () => {
    const mlp = GeneratorConfigSchema.parse({ kind: 'mlp' });
    expect(() =>
      buildGenerator(mlp, { latentDim: 8, shape: { height: 4, width: 4, channels: 2 as 1 }, seed: 1 }),
    ).toThrow(/4x4x2/);
    expect(() => buildGenerator(mlp, { latentDim: 0, shape: MNIST, seed: 1 })).toThrow(GanforgeError);
  });
});
