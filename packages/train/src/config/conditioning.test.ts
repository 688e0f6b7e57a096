import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { errorOf } from '@ganforge/core/testing';
import { buildGenerator, ConditioningConfigSchema } from '../models/index.ts';
import { assertConditioningFits } from './conditioning-fits.ts';
import { parseTrainConfig } from './resolve.ts';
import { TrainConfigSchema } from './schema.ts';
import { describeField } from './suggest.ts';

/** The `conditioning` block (docs/techniques.md#class-conditioning) and its checks against the data. */

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const LABELLED = { name: 'mnist', numClasses: 10, labels: new Int32Array(4) };

describe('conditioning config', () => {
  test('absent by default: an unconditional config has no conditioning key at all', () => {
    expect('conditioning' in parseTrainConfig({})).toBe(false);
    expect(JSON.stringify(parseTrainConfig({}))).not.toContain('conditioning');
  });

  test('an empty block is projection D + multiply G, with every default filled in', () => {
    expect(parseTrainConfig({ conditioning: {} }).conditioning).toEqual({
      generator: 'multiply',
      discriminator: 'projection',
      embeddingDim: 10,
      auxiliaryWeight: 1,
    });
    expect(ConditioningConfigSchema.parse({ generator: 'concat', discriminator: 'auxiliary' })).toMatchObject(
      {
        generator: 'concat',
        discriminator: 'auxiliary',
      },
    );
  });

  test('bad keys and values name the field', () => {
    expect(
      errorOf(() => parseTrainConfig({ conditioning: { discriminatr: 'auxiliary' } })).message,
    ).toContain('conditioning.discriminatr (did you mean conditioning.discriminator?)');
    expect(errorOf(() => parseTrainConfig({ conditioning: { generator: 'add' } })).message).toMatch(
      /conditioning\.generator: .*\(got "add"\)/,
    );
    expect(errorOf(() => parseTrainConfig({ conditioning: { embeddingDim: 0 } })).message).toContain(
      'conditioning.embeddingDim',
    );
  });

  test('every field of the block has a description', () => {
    const c = parseTrainConfig({ conditioning: {} });
    for (const key of [
      'conditioning',
      ...Object.keys(c.conditioning ?? {}).map((k) => `conditioning.${k}`),
    ]) {
      expect(describeField(TrainConfigSchema, key.split('.'), c), key).toBeTruthy();
    }
  });
});

describe('assertConditioningFits', () => {
  test('an unconditional config fits data with or without labels', () => {
    expect(() =>
      assertConditioningFits(parseTrainConfig({}), { ...LABELLED, labels: undefined }),
    ).not.toThrow();
  });

  test('a conditioning block on data without labels is a bad_config naming conditioning and the dataset', () => {
    const e = errorOf(() =>
      assertConditioningFits(parseTrainConfig({ conditioning: {} }), {
        name: 'folder:/data/faces',
        numClasses: undefined,
        labels: undefined,
      }),
    );
    expect(e.code).toBe('bad_config');
    expect(e.message).toBe(
      'conditioning: dataset folder:/data/faces has no labels, so there are no classes to condition G and D on',
    );
    expect(e.hint).toContain('remove the conditioning block');
  });

  test("the networks must be made for the data's number of classes", () => {
    const config = parseTrainConfig({ conditioning: {}, generator: { kind: 'mlp', hidden: [4] } });
    const shape = { height: 28, width: 28, channels: 1 } as const;
    const opts = { latentDim: 4, shape, seed: 1 };
    const four = buildGenerator(config.generator, {
      ...opts,
      conditioning: { config: config.conditioning!, numClasses: 4 },
    });
    const plain = buildGenerator(config.generator, opts);
    expect(() =>
      assertConditioningFits(config, { ...LABELLED, numClasses: 4 }, { generator: four }),
    ).not.toThrow();
    const e = errorOf(() => assertConditioningFits(config, LABELLED, { generator: four }));
    expect([e.code, e.message]).toEqual([
      'shape_mismatch',
      'generator was built for 4 classes but dataset mnist has 10',
    ]);
    expect(errorOf(() => assertConditioningFits(config, LABELLED, { generator: plain })).message).toContain(
      'no class embedding',
    );
    four.dispose();
    plain.dispose();
  });
});
