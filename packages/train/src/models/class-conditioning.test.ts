import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import type { ImageShape } from '@ganforge/data';
import { loadLayersModel, saveLayersModel, type SpectralNormalization } from '@ganforge/runs';
import {
  CLASS_INPUT,
  D_CLASS_EMBEDDING,
  D_CLASS_LOGITS,
  D_PROJECTED_LOGIT,
  G_CLASS_EMBEDDING,
  G_CONDITION,
} from './class-conditioning.ts';
import { DiscriminatorConfigSchema, GeneratorConfigSchema } from './config.ts';
import { ConditioningConfigSchema, type ClassConditioning } from './conditioning-config.ts';
import { buildDiscriminator, discriminatorFeatures, LOGIT_LAYER } from './discriminator.ts';
import { buildGenerator } from './generator.ts';

/** The class-conditional G and D of docs/techniques.md#class-conditioning: layouts, the projection formula, reloads. */

const MNIST: ImageShape = { height: 28, width: 28, channels: 1 };
const K = 4;
const out = mkdtempSync(join(tmpdir(), 'ganforge-cond-models-'));

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

function conditioning(raw: object): ClassConditioning {
  return { config: ConditioningConfigSchema.parse(raw), numClasses: K };
}

function images(n: number, seed = 11): tf.Tensor4D {
  return tf.randomUniform([n, 28, 28, 1], -1, 1, 'float32', seed);
}

function classes(values: number[]): tf.Tensor2D {
  return tf.tensor2d(values, [values.length, 1], 'int32');
}

const G_CONFIGS = [
  ['mlp', { kind: 'mlp', hidden: [8] }],
  ['dcgan', { kind: 'dcgan', baseFilters: 2 }],
] as const;
const D_CONFIGS = [
  ['mlp', { kind: 'mlp', hidden: [8], dropout: 0.3, minibatch: 'stddev' }],
  ['mlp + spectral norm', { kind: 'mlp', hidden: [8], spectralNorm: true }],
  ['dcgan', { kind: 'dcgan', baseFilters: 2, batchNorm: true }],
  ['dcgan + spectral norm', { kind: 'dcgan', baseFilters: 2, spectralNorm: true, minibatch: 'mean_difference' }],
] as const;

describe('conditional G: inputs [z, class] -> images', () => {
  it.each(
    G_CONFIGS.flatMap(([name, raw]) =>
      (['multiply', 'concat'] as const).map((form) => [name, form, raw] as const),
    ),
  )('%s, %s', (_name, form, raw) => {
    const g = buildGenerator(GeneratorConfigSchema.parse(raw), {
      latentDim: 6,
      shape: MNIST,
      seed: 1,
      conditioning: conditioning({ generator: form, embeddingDim: 3 }),
    });
    expect(g.inputs.map((i, k) => [g.inputLayers[k]?.name, i.shape, i.dtype])).toEqual([
      ['z', [null, 6], 'float32'],
      [CLASS_INPUT, [null, 1], 'int32'],
    ]);
    const embedding = g.getLayer(G_CLASS_EMBEDDING).getConfig();
    expect([embedding['inputDim'], embedding['outputDim']]).toEqual([K, form === 'multiply' ? 6 : 3]);
    const condition = g.getLayer(G_CONDITION);
    expect(condition.getClassName()).toBe(form === 'multiply' ? 'Multiply' : 'Concatenate');
    expect(condition.outputShape).toEqual([null, form === 'multiply' ? 6 : 9]);
    // one z, every class: images [K, 28, 28, 1], different per class
    const z = tf.tile(tf.randomUniform([1, 6], -1, 1, 'float32', 3), [K, 1]);
    const x = g.predict([z, classes([0, 1, 2, 3])]) as tf.Tensor;
    expect(x.shape).toEqual([K, 28, 28, 1]);
    const rows = tf.unstack(x).map((t) => Array.from(t.dataSync()));
    expect(rows[1]).not.toEqual(rows[0]);
    expect(rows[3]).not.toEqual(rows[2]);
    g.dispose();
  });

  it("leaves G's other weights as the same seed unconditioned makes them", () => {
    const cfg = GeneratorConfigSchema.parse({ kind: 'mlp', hidden: [8] });
    const plain = buildGenerator(cfg, { latentDim: 6, shape: MNIST, seed: 9 });
    const cond = buildGenerator(cfg, {
      latentDim: 6,
      shape: MNIST,
      seed: 9,
      conditioning: conditioning({}),
    });
    const weights = (m: tfl.LayersModel, name: string) => Array.from(m.getLayer(name).getWeights()[0]!.dataSync());
    expect(weights(cond, 'g_dense_0')).toEqual(weights(plain, 'g_dense_0'));
    expect(weights(cond, 'g_dense_out')).toEqual(weights(plain, 'g_dense_out'));
    plain.dispose();
    cond.dispose();
  });
});

describe('conditional D', () => {
  it.each(D_CONFIGS)('projection, %s: inputs [image, class] -> one logit', (_name, raw) => {
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse(raw), {
      shape: MNIST,
      seed: 2,
      conditioning: conditioning({ discriminator: 'projection' }),
    });
    expect(d.inputs.map((i, k) => [d.inputLayers[k]?.name, i.shape, i.dtype])).toEqual([
      ['image', [null, 28, 28, 1], 'float32'],
      [CLASS_INPUT, [null, 1], 'int32'],
    ]);
    expect(d.outputs.map((o) => o.shape)).toEqual([[null, 1]]);
    expect(d.outputLayers.map((l) => l.name)).toEqual([D_PROJECTED_LOGIT]);
    const hDim = discriminatorFeatures(d).outputs[0]!.shape[1];
    expect(d.getLayer(D_CLASS_EMBEDDING).getConfig()['outputDim']).toBe(hDim);
    const y = d.apply([images(3), classes([0, 3, 1])], { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([3, 1]);
    d.dispose();
  });

  it.each(D_CONFIGS)('auxiliary, %s: image -> [logit, class logits]', (_name, raw) => {
    const cfg = DiscriminatorConfigSchema.parse(raw);
    const d = buildDiscriminator(cfg, { shape: MNIST, seed: 2, conditioning: conditioning({ discriminator: 'auxiliary' }) });
    expect(d.inputLayers.map((l) => l.name)).toEqual(['image']);
    expect(d.outputs.map((o) => o.shape)).toEqual([
      [null, 1],
      [null, K],
    ]);
    // spectral normalization covers the class head too, where D uses it
    const head = d.getLayer(D_CLASS_LOGITS);
    expect(head.getClassName()).toBe(cfg.spectralNorm ? 'SpectralNormalization' : 'Dense');
    const [logit, classLogits] = d.apply(images(3), { training: true }) as tf.Tensor[];
    expect([logit?.shape, classLogits?.shape]).toEqual([
      [3, 1],
      [3, K],
    ]);
    d.dispose();
  });

  it.each([
    ['mlp', { kind: 'mlp', hidden: [8] }],
    ['dcgan + spectral norm', { kind: 'dcgan', baseFilters: 2, spectralNorm: true }],
  ])('projection, %s: logit = psi(h) + <embed(y), h>, by hand from the weights', (_name, raw) => {
    const cfg = DiscriminatorConfigSchema.parse(raw);
    const d = buildDiscriminator(cfg, { shape: MNIST, seed: 7, conditioning: conditioning({}) });
    const x = images(5, 13);
    const y = [2, 0, 3, 1, 2];
    const h = (discriminatorFeatures(d).predict([x, classes(y)]) as tf.Tensor).arraySync() as number[][];
    const psi = d.getLayer(LOGIT_LAYER);
    const [w, b] = cfg.spectralNorm
      ? (() => {
          const folded = (psi as SpectralNormalization).foldedWeights();
          return [folded.kernel, folded.bias];
        })()
      : psi.getWeights();
    const kernel = (w as tf.Tensor).dataSync();
    const bias = (b as tf.Tensor).dataSync()[0] as number;
    const table = d.getLayer(D_CLASS_EMBEDDING).getWeights()[0]!.arraySync() as number[][];
    const want = h.map((hi, i) => {
      const e = table[y[i] as number] as number[];
      let psiH = bias;
      let dot = 0;
      hi.forEach((v, j) => {
        psiH += v * (kernel[j] as number);
        dot += v * (e[j] as number);
      });
      return psiH + dot;
    });
    const got = Array.from((d.predict([x, classes(y)]) as tf.Tensor).dataSync());
    expect(got).toEqual(want.map((v) => expect.closeTo(v, 5)));
    // the class matters: another y changes exactly the projection term
    const other = Array.from((d.predict([x, classes([1, 1, 1, 1, 1])]) as tf.Tensor).dataSync());
    expect(other).not.toEqual(got);
    d.dispose();
  });
});

describe('conditional G and D: save and reload (checkpoints)', () => {
  it.each([
    ['concat G, projection D with spectral norm', { generator: 'concat', discriminator: 'projection' }],
    ['multiply G, auxiliary D with spectral norm', { generator: 'multiply', discriminator: 'auxiliary' }],
  ])('%s', async (name, raw) => {
    const cond = conditioning(raw);
    const g = buildGenerator(GeneratorConfigSchema.parse({ kind: 'dcgan', baseFilters: 2 }), {
      latentDim: 5,
      shape: MNIST,
      seed: 3,
      conditioning: cond,
    });
    const d = buildDiscriminator(DiscriminatorConfigSchema.parse({ kind: 'mlp', hidden: [8], spectralNorm: true }), {
      shape: MNIST,
      seed: 4,
      conditioning: cond,
    });
    const z = tf.randomUniform([4, 5], -1, 1, 'float32', 5);
    const y = classes([3, 2, 1, 0]);
    const x = images(4);
    const dInputs = cond.config.discriminator === 'projection' ? [x, y] : x;
    const flat = (t: tf.Tensor | tf.Tensor[]) => (Array.isArray(t) ? t : [t]).map((a) => Array.from(a.dataSync()));
    const cases: [tfl.LayersModel, tf.Tensor | tf.Tensor[]][] = [
      [g, [z, y]],
      [d, dInputs],
    ];
    for (const [model, inputs] of cases) {
      const dir = join(out, `${name}-${model.name}`.replace(/[^a-z0-9-]/gi, '_'));
      await saveLayersModel(model, dir);
      const back = await loadLayersModel(dir);
      expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
      expect(flat(back.predict(inputs) as tf.Tensor)).toEqual(flat(model.predict(inputs) as tf.Tensor));
      back.dispose();
    }
    g.dispose();
    d.dispose();
  });
});
