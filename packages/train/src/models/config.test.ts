import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DcganDiscriminatorConfigSchema,
  DcganGeneratorConfigSchema,
  DiscriminatorConfigSchema,
  GeneratorConfigSchema,
  MlpDiscriminatorConfigSchema,
  MlpGeneratorConfigSchema,
} from './config.ts';

describe('model config schemas', () => {
  it('default to the DCGAN guidelines', () => {
    expect(GeneratorConfigSchema.parse(undefined)).toEqual({ kind: 'dcgan', baseFilters: 64, kernelSize: 4, batchNorm: true, activation: 'relu' });
    expect(GeneratorConfigSchema.parse({})).toEqual(GeneratorConfigSchema.parse(undefined));
    expect(DiscriminatorConfigSchema.parse({})).toEqual({
      kind: 'dcgan',
      baseFilters: 64,
      kernelSize: 4,
      batchNorm: false,
      dropout: 0,
      leakyAlpha: 0.2,
      spectralNorm: false,
      minibatch: 'none',
    });
    expect(GeneratorConfigSchema.parse({ kind: 'mlp' })).toEqual({
      kind: 'mlp',
      hidden: [128],
      activation: 'relu',
      batchNorm: false,
      dropout: 0,
      outputActivation: 'tanh',
    });
    expect(DiscriminatorConfigSchema.parse({ kind: 'mlp' })).toMatchObject({ activation: 'leaky_relu', minibatch: 'none' });
  });

  it('reject unknown keys, fields of the other kind and out-of-range values', () => {
    expect(() => GeneratorConfigSchema.parse({ kind: 'dcgan', hiden: [3] })).toThrow();
    expect(() => GeneratorConfigSchema.parse({ kind: 'mlp', baseFilters: 3 })).toThrow();
    expect(() => GeneratorConfigSchema.parse({ kind: 'dcgan', kernelSize: 6 })).toThrow();
    expect(() => DiscriminatorConfigSchema.parse({ kind: 'dcgan', dropout: 0.95 })).toThrow();
    expect(() => DiscriminatorConfigSchema.parse({ kind: 'mlp', minibatch: 'bogus' })).toThrow();
    expect(() => DiscriminatorConfigSchema.parse({ kind: 'resnet' })).toThrow();
  });

  it.each([
    ['mlp generator', MlpGeneratorConfigSchema],
    ['dcgan generator', DcganGeneratorConfigSchema],
    ['mlp discriminator', MlpDiscriminatorConfigSchema],
    ['dcgan discriminator', DcganDiscriminatorConfigSchema],
  ] as const)('%s: every field has a description and (but the mlp kind tag) a default', (_name, schema) => {
    for (const [key, field] of Object.entries(schema.shape)) {
      expect(field.description, key).toBeTruthy();
      const isMlpTag = key === 'kind' && (field as z.ZodType).safeParse('mlp').success;
      if (!isMlpTag) expect(field.safeParse(undefined).success, key).toBe(true);
    }
  });
});
