import { SAMPLER_ATTRIBUTE_TABLE, type AttributeSpec, type SamplerProperties } from './attributes.ts';

function read(spec: AttributeSpec, raw: string | null): string | number | null {
  if (raw === null || (spec.emptyIsAbsent && raw === '')) return spec.absent;
  return spec.type === 'number' ? Number(raw) : raw;
}

/**
 * Defines on an element class one property per entry of SAMPLER_ATTRIBUTE_TABLE that reflects its
 * attribute: reading gives the attribute as the table's type (its `absent` value when missing), writing
 * sets it. null removes a string or nullable attribute; a number that has a default is always written,
 * so assigning a bad value shows that attribute's error rather than quietly drawing the default.
 */
export function withAttributeProperties<C extends new () => Element>(
  element: C,
): (new () => InstanceType<C> & SamplerProperties) & Omit<C, 'prototype'> {
  const entries = Object.entries(SAMPLER_ATTRIBUTE_TABLE) as [string, AttributeSpec][];
  for (const [name, spec] of entries) {
    if (spec.property === false) continue;
    const removable = spec.type === 'string' || spec.absent === null;
    Object.defineProperty(element.prototype, name, {
      configurable: true,
      enumerable: false,
      get(this: Element) {
        return read(spec, this.getAttribute(name));
      },
      set(this: Element, value: unknown) {
        if (value === null && removable) this.removeAttribute(name);
        else this.setAttribute(name, String(value));
      },
    });
  }
  return element as unknown as (new () => InstanceType<C> & SamplerProperties) & Omit<C, 'prototype'>;
}
