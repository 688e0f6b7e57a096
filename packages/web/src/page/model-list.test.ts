import { describe, expect, it } from 'vitest';
import { modelNamesFromList } from './model-list.ts';

describe('model picker list', () => {
  it("reads the server's { models: [...] } and leaves out models that failed to load", () => {
    const json = {
      models: [
        { name: 'a', status: 'ready' },
        { name: 'b', status: 'failed' },
        { name: 'c', status: 'loading' },
      ],
    };
    expect(modelNamesFromList(json)).toEqual(['a', 'c']);
  });

  it('accepts a bare array of names and ignores what it cannot read', () => {
    expect(modelNamesFromList(['x', 3, null, { nope: 1 }])).toEqual(['x']);
    expect(modelNamesFromList({ error: 'x' })).toEqual([]);
  });
});
