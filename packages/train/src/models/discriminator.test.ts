import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { GanforgeError } from '@ganforge/core';
import type { ImageShape } from '@ganforge/data';
import { DiscriminatorConfigSchema } from './config.ts';
import { buildDiscriminator, discriminatorFeatures, LOGIT_LAYER } from './discriminator.ts';
import type { SpectralNormalization } from '@ganforge/runs';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const MNIST: ImageShape = { height: 28, width: 28, channels: 1 };

function images(n: number, shape: ImageShape, seed = 11): tf.Tensor4D {
  return tf.randomUniform([n, shape.height, shape.width, shape.channels], -1, 1, 'float32', seed);
}

function classNames(m: tfl.LayersModel): string[] {
  return m.layers.map((l) => l.getClassName());
}

describe('buildDiscriminator: output is one logit per image', () => {
  const cases: [number, 1 | 3, 3 | 4 | 5][] = [];
  for (const size of [28, 32, 64]) for (const ch of [1, 3] as const) for (const k of [3, 4, 5] as const) cases.push([size, ch, k]);

  it.each(cases)('dcgan %i px, %i channels, kernel %i -> [N,1]', (size, channels, kernelSize) => {
    const shape: ImageShape = { height: size, width: size, channels };
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2, kernelSize }), {
      shape,
      seed: 1,
    });
    const x = images(2, shape);
    const y = d.predict(x) as tf.Tensor;
    expect(y.shape).toEqual([2, 1]);
    const convs = d.layers.filter((l) => l.getClassName() === 'Conv2D');
    // stride-2 convs down to 7x7 (28) or 4x4 (32, 64), LeakyReLU(0.2) after each
    expect(convs.length).toBe(size === 28 ? 2 : Math.log2(size / 4));
    for (const c of convs) expect(c.getConfig()['strides']).toEqual([2, 2]);
    const leaky = d.layers.filter((l) => l.getClassName() === 'LeakyReLU');
    expect(leaky.map((l) => l.getConfig()['alpha'])).toEqual(convs.map(() => 0.2));
    tf.dispose([x, y]);
    d.dispose();
  });

  it.each([
    ['1 hidden', { kind: 'mlp', hidden: [128] }],
    ['2 hidden + bn + dropout', { kind: 'mlp', hidden: [128, 64], batchNorm: true, dropout: 0.5 }],
    ['4 hidden + spectral norm + stddev', { kind: 'mlp', hidden: [16, 16, 16, 16], spectralNorm: true, minibatch: 'stddev' }],
    ['mean difference', { kind: 'mlp', hidden: [16], minibatch: 'mean_difference' }],
  ])('mlp %s -> [N,1]', (_name, raw) => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse(raw), { shape: MNIST, seed: 2 });
    const x = images(3, MNIST);
    const y = d.apply(x, { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    tf.dispose([x, y]);
    d.dispose();
  });

  it('returns logits, not probabilities (no sigmoid: values leave [0, 1])', () => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse({ kind: 'mlp', hidden: [8] }), { shape: MNIST, seed: 3 });
    const logit = d.getLayer(LOGIT_LAYER);
    logit.setWeights(logit.getWeights().map((w) => tf.mul(w, 1e3)));
    const y = d.predict(images(8, MNIST)) as tf.Tensor;
    const v = Array.from(y.dataSync());
    expect(v.some((a) => a < 0 || a > 1)).toBe(true);
    expect(classNames(d)).not.toContain('Activation');
    d.dispose();
  });

  it('puts every switch where it belongs: dropout, BN (not on the first conv), SN, minibatch', () => {
    const d = buildDiscriminator(
      DiscriminatorConfigSchema.parse({
        kind: 'dcgan',
        baseFilters: 2,
        batchNorm: true,
        dropout: 0.4,
        spectralNorm: true,
        minibatch: 'stddev',
        leakyAlpha: 0.1,
      }),
      { shape: { height: 32, width: 32, channels: 3 }, seed: 1 },
    );
    const names = classNames(d);
    expect(names.filter((n) => n === 'SpectralNormalization')).toHaveLength(4); // 3 convs + logit
    expect(names.filter((n) => n === 'BatchNormalization')).toHaveLength(2);
    expect(names.filter((n) => n === 'Dropout')).toHaveLength(3);
    expect(names.indexOf('MinibatchStdDev')).toBe(names.indexOf('Flatten') - 1);
    expect(d.getLayer('d_act_0').getConfig()['alpha']).toBe(0.1);
    // D's filters come from D's own baseFilters
    const sn = d.getLayer('d_conv_2') as SpectralNormalization;
    expect(sn.inner.getConfig()['filters']).toBe(8);
    d.dispose();
  });

  it('minibatch mean_difference doubles the input channels', () => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2, minibatch: 'mean_difference' }), {
      shape: { height: 28, width: 28, channels: 3 },
      seed: 1,
    });
    expect(d.getLayer('d_minibatch_mean_difference').outputShape).toEqual([null, 28, 28, 6]);
    d.dispose();
  });

  it('same seed -> same initial weights (including spectral norm u)', () => {
    const cfg = DiscriminatorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2, spectralNorm: true });
    const a = buildDiscriminator(cfg, { shape: MNIST, seed: 5 });
    const b = buildDiscriminator(cfg, { shape: MNIST, seed: 5 });
    const c = buildDiscriminator(cfg, { shape: MNIST, seed: 6 });
    const data = (m: tfl.LayersModel): Float32Array[] => m.getWeights().map((w) => w.dataSync() as Float32Array);
    expect(data(a)).toEqual(data(b));
    expect(data(a)[0]).not.toEqual(data(c)[0]);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('discriminatorFeatures gives the penultimate features, sharing weights', () => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2 }), { shape: MNIST, seed: 1 });
    const f = discriminatorFeatures(d);
    const x = images(2, MNIST);
    const feats = f.predict(x) as tf.Tensor;
    expect(feats.shape).toEqual([2, 7 * 7 * 4]);
    // logit = features · w + b
    const [w, b] = d.getLayer(LOGIT_LAYER).getWeights();
    const manual = tf.add(tf.matMul(feats, w!), b!);
    const logits = d.predict(x) as tf.Tensor;
    expect(Array.from(manual.dataSync())).toEqual(Array.from(logits.dataSync()).map((v) => expect.closeTo(v, 6)));
    d.dispose();
  });
});

describe('buildDiscriminator: save and reload with custom layers', () => {
  const configs = [
    { kind: 'dcgan', baseFilters: 2, spectralNorm: true, minibatch: 'stddev', batchNorm: true },
    { kind: 'dcgan', baseFilters: 2, spectralNorm: true, minibatch: 'mean_difference' },
    { kind: 'mlp', hidden: [8, 8], spectralNorm: true, minibatch: 'mean_difference' },
    { kind: 'mlp', hidden: [8], minibatch: 'stddev' },
  ];

  async function roundTripJson(d: tfl.LayersModel): Promise<tfl.LayersModel> {
    const topology = JSON.parse(JSON.stringify(d.toJSON(null, false))) as tf.io.ModelJSON['modelTopology'];
    const d2 = await tfl.models.modelFromJSON({ modelTopology: topology });
    d2.setWeights(d.getWeights());
    return d2;
  }

  async function roundTripSave(d: tfl.LayersModel): Promise<tfl.LayersModel> {
    let saved: tf.io.ModelArtifacts | undefined;
    await d.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    return tfl.loadLayersModel(tf.io.fromMemory(saved!));
  }

  it.each(configs)('%o: toJSON + weights -> modelFromJSON, and save -> loadLayersModel, give the same logits', async (raw) => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse(raw), { shape: MNIST, seed: 4 });
    const x = images(4, MNIST);
    // a few training passes so u and BN statistics differ from their initial values
    for (let i = 0; i < 3; i++) tf.dispose(d.apply(x, { training: true }) as tf.Tensor);
    for (const reload of [roundTripJson, roundTripSave]) {
      const want = Array.from((d.predict(x) as tf.Tensor).dataSync());
      const d2 = await reload(d);
      expect(classNames(d2)).toEqual(classNames(d));
      const got = Array.from((d2.predict(x) as tf.Tensor).dataSync());
      expect(got).toEqual(want.map((v) => expect.closeTo(v, 6)));
      // the reloaded model keeps training the same way (u continues the same power iteration)
      const a = Array.from((d.apply(x, { training: true }) as tf.Tensor).dataSync());
      const b = Array.from((d2.apply(x, { training: true }) as tf.Tensor).dataSync());
      expect(b).toEqual(a.map((v) => expect.closeTo(v, 5)));
      d2.dispose();
    }
    d.dispose();
  });
});

describe('buildDiscriminator: bad shapes', () => {
  it('DCGAN at 30x30 -> GanforgeError naming the shape', () => {
    const cfg = DiscriminatorConfigSchema.parse({ kind: 'dcgan' });
    let err: unknown;
    try {
      buildDiscriminator(cfg, { shape: { height: 30, width: 30, channels: 1 }, seed: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GanforgeError);
    expect((err as GanforgeError).message).toContain('30x30x1');
    expect((err as GanforgeError).message).toContain('discriminator');
  });

  it('MLP accepts 30x30 but not 2 channels', () => {
    const cfg = DiscriminatorConfigSchema.parse({ kind: 'mlp', hidden: [4] });
    const d = buildDiscriminator(cfg, { shape: { height: 30, width: 30, channels: 1 }, seed: 1 });
    expect(d.outputs[0]!.shape).toEqual([null, 1]);
    d.dispose();
    expect(() => buildDiscriminator(cfg, { shape: { height: 30, width: 30, channels: 2 as 1 }, seed: 1 })).toThrow(GanforgeError);
  });
});
