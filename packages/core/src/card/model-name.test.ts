import { describe, expect, it } from 'vitest';
import { isValidModelName } from './model-name.ts';

describe('isValidModelName', () => {
  it('accepts folder-style names', () => {
    for (const n of ['mnist-dcgan', 'a', 'model_v2.1', 'Fashion-MNIST'])
      expect(isValidModelName(n), n).toBe(true);
  });
  it('rejects anything that could leave models/ or is not one plain folder name', () => {
    for (const n of [
      '',
      '.',
      '..',
      '../x',
      'a/b',
      'a\\b',
      '.hidden',
      'a..b',
      '%2e%2e',
      'a%2fb',
      'a\0b',
      ' a',
      'x'.repeat(65),
      '-a',
    ]) {
      expect(isValidModelName(n), JSON.stringify(n)).toBe(false);
    }
  });
});
