import { describe, expect, it } from 'vitest';
import { readSettings, type SamplerAttribute } from './attributes.ts';

const from = (attrs: Partial<Record<SamplerAttribute, string>>) =>
  readSettings((name) => attrs[name] ?? null);

describe('<gan-sampler> attributes', () => {
  it('has defaults for everything but the model', () => {
    expect(from({})).toEqual({
      model: undefined,
      seed: 0,
      n: 16,
      columns: undefined,
      truncation: undefined,
      backend: 'auto',
      size: 256,
      server: undefined,
      label: undefined,
      layout: 'grid',
    });
  });

  it('parses the values it is given', () => {
    expect(
      from({
        model: ' mnist ',
        seed: '42',
        n: '9',
        columns: '3',
        truncation: '0.7',
        backend: 'wasm',
        size: '512',
      }),
    ).toMatchObject({
      model: 'mnist',
      seed: 42,
      n: 9,
      columns: 3,
      truncation: 0.7,
      backend: 'wasm',
      size: 512,
    });
  });

  it('names the attribute and the value that is wrong', () => {
    expect(() => from({ seed: '-1' })).toThrow(/seed="-1" is not a whole number/);
    expect(() => from({ n: '1000' })).toThrow(/n="1000" is not a whole number from 1 to 256/);
    expect(() => from({ truncation: '0' })).toThrow(/truncation="0" is not a number > 0/);
    expect(() => from({ backend: 'webgl' })).toThrow(/backend="webgl" is not one of wasm, webgpu, auto/);
  });

  it('keeps a class label as written (a name may have spaces), and takes layout grid or per-class', () => {
    expect(from({ label: 'Ankle boot', layout: 'per-class' })).toMatchObject({
      label: 'Ankle boot',
      layout: 'per-class',
    });
    expect(from({ label: ' 7 ' }).label).toBe(' 7 ');
    expect(from({ label: '  ' }).label).toBeUndefined(); // blank: no class
    expect(() => from({ layout: 'rows' })).toThrow(/layout="rows" is not one of grid, per-class/);
  });
});
