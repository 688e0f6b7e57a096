import { describe, expect, expectTypeOf, it } from 'vitest';
import { withAttributeProperties } from './attribute-properties.ts';
import { SAMPLER_ATTRIBUTE_TABLE, type SamplerProperties } from './attributes.ts';

/** The attribute part of an Element (what the generated properties use), as a plain map. */
class Attributes {
  readonly map = new Map<string, string>();
  getAttribute(name: string): string | null {
    return this.map.get(name) ?? null;
  }
  setAttribute(name: string, value: string): void {
    this.map.set(name, String(value));
  }
  removeAttribute(name: string): void {
    this.map.delete(name);
  }
}
const Element = withAttributeProperties(Attributes as unknown as new () => Element & Attributes);

describe('<gan-sampler> properties from the attribute table', () => {
  it('defines one property per table entry that has one, with the types of the table', () => {
    const withProperty = Object.entries(SAMPLER_ATTRIBUTE_TABLE)
      .filter(([, spec]) => !('property' in spec))
      .map(([name]) => name);
    expect(withProperty).toEqual([
      'model',
      'seed',
      'n',
      'columns',
      'truncation',
      'backend',
      'size',
      'label',
      'layout',
    ]);
    for (const name of withProperty) {
      const d = Object.getOwnPropertyDescriptor(Element.prototype, name);
      expect(typeof d?.get, name).toBe('function');
      expect(typeof d?.set, name).toBe('function');
    }
    expect(Object.getOwnPropertyDescriptor(Element.prototype, 'server')).toBeUndefined();
    expectTypeOf<SamplerProperties>().toEqualTypeOf<{
      model: string | null;
      seed: number;
      n: number;
      columns: number | null;
      truncation: number | null;
      backend: string;
      size: number;
      label: string | null;
      layout: string;
    }>();
  });

  it('reads the defaults when the attributes are absent, and parses them when present', () => {
    const el = new Element();
    expect([el.model, el.seed, el.n, el.columns, el.truncation, el.backend, el.size]).toEqual([
      null,
      0,
      16,
      null,
      null,
      'auto',
      256,
    ]);
    for (const [k, v] of Object.entries({ model: 'm', seed: '42', n: '9', columns: '3', truncation: '0.7' }))
      el.setAttribute(k, v);
    el.setAttribute('backend', 'wasm');
    el.setAttribute('size', '512');
    expect([el.model, el.seed, el.n, el.columns, el.truncation, el.backend, el.size]).toEqual([
      'm',
      42,
      9,
      3,
      0.7,
      'wasm',
      512,
    ]);
    el.setAttribute('truncation', '');
    expect(el.truncation).toBeNull(); // an empty truncation means none
  });

  it('reflects writes to the attributes; null removes the nullable and string ones', () => {
    const el = new Element();
    el.seed = 7;
    el.columns = 4;
    el.truncation = 0.5;
    el.model = 'mnist-dcgan';
    el.backend = 'webgpu';
    expect(Object.fromEntries(el.map)).toEqual({
      seed: '7',
      columns: '4',
      truncation: '0.5',
      model: 'mnist-dcgan',
      backend: 'webgpu',
    });
    el.columns = null;
    el.truncation = null;
    el.model = null;
    (el as { backend: string | null }).backend = null;
    expect(Object.fromEntries(el.map)).toEqual({ seed: '7' });
    // A number with a default is always written: a bad value shows up as that attribute's error.
    (el as { seed: number | null }).seed = null;
    expect(el.getAttribute('seed')).toBe('null');
  });

  it('label and layout reflect as strings: label is null when absent or empty, layout reads grid', () => {
    const el = new Element();
    expect([el.label, el.layout]).toEqual([null, 'grid']);
    (el as { label: string | number | null }).label = 7;
    el.layout = 'per-class';
    expect(Object.fromEntries(el.map)).toEqual({ label: '7', layout: 'per-class' });
    expect([el.label, el.layout]).toEqual(['7', 'per-class']);
    el.setAttribute('label', '');
    expect(el.label).toBeNull();
    el.label = null;
    el.layout = null as unknown as string;
    expect(Object.fromEntries(el.map)).toEqual({});
  });
});
