import { describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { errorOf } from '@ganforge/core/testing';
import { DatasetSpecSchema, loadDataset, parseDatasetSpec } from './spec.ts';

describe('DatasetSpecSchema', () => {
  it('fills defaults: MNIST train', () => {
    expect(parseDatasetSpec({})).toEqual({ kind: 'mnist', split: 'train' });
    expect(parseDatasetSpec({ kind: 'folder', path: 'faces', size: 64, channels: 1, limit: 10 })).toEqual({
      kind: 'folder',
      split: 'train',
      path: 'faces',
      size: 64,
      channels: 1,
      limit: 10,
    });
  });

  it('describes every field', () => {
    const shape = DatasetSpecSchema.shape;
    for (const [key, field] of Object.entries(shape)) {
      expect(field.description, key).toMatch(/\w{3,}/);
    }
  });

  it.each([
    [{ kind: 'cifar' }, /^dataset\.kind: /],
    [{ kind: 'mnist', colour: true }, /^dataset: .*colour/],
    [{ limit: 0 }, /^dataset\.limit: /],
    [{ limit: 2.5 }, /^dataset\.limit: /],
    [{ split: 'validation' }, /^dataset\.split: /],
    [{ kind: 'idx' }, /^dataset\.path: required for kind 'idx'$/],
    [{ kind: 'folder' }, /^dataset\.path: required for kind 'folder'$/],
    [{ kind: 'folder', path: 'x', channels: 4 }, /^dataset\.channels: /],
    [{ kind: 'mnist', path: 'x' }, /^dataset\.path: not used by kind 'mnist' \(got "x"\)$/],
    [{ kind: 'mnist', size: 32 }, /^dataset\.size: only used by kind 'folder'/],
    [
      { kind: 'folder', path: 'x', labelsPath: 'y' },
      /^dataset\.labelsPath: only used by kind 'idx' \(got "y"\)$/,
    ],
  ])('rejects %j naming the field', (input, message) => {
    const e = errorOf(() => parseDatasetSpec(input));
    expect(e.code).toBe('bad_config');
    expect(e.message).toMatch(message);
  });

  it('suggests the field meant by a misspelt key', () => {
    const e = errorOf(() => parseDatasetSpec({ kind: 'folder', path: 'x', chanels: 1 }));
    expect(e.message).toBe('dataset: Unrecognized key: "chanels"');
    expect(e.hint).toContain("did you mean 'channels' for 'chanels'?");
    expect(errorOf(() => parseDatasetSpec({ colour: true })).hint).not.toContain('did you mean');
  });

  it('names the bad value', () => {
    expect(errorOf(() => parseDatasetSpec({ kind: 'cifar' })).message).toContain('(got "cifar")');
    expect(errorOf(() => parseDatasetSpec({ kind: 'folder', path: 'x', channels: 4 })).message).toBe(
      'dataset.channels: expected 1 (grayscale) or 3 (RGB) (got 4)',
    );
  });

  it('loadDataset validates before loading', async () => {
    const error = await loadDataset({ kind: 'idx' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanforgeError);
    expect((error as GanforgeError).message).toBe("dataset.path: required for kind 'idx'");
  });
});
