import { describe, expect, it } from 'vitest';
import { classIdOf } from './class-id.ts';

describe('classIdOf', () => {
  const digits = Array.from({ length: 10 }, (_, i) => String(i));
  const garments = ['T-shirt/top', 'Trouser', 'Bag', 'Ankle boot'];

  it('a number is an index in [0, K)', () => {
    expect(classIdOf(garments, 0)).toBe(0);
    expect(classIdOf(garments, 3)).toBe(3);
    for (const bad of [4, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(classIdOf(garments, bad)).toBeUndefined();
  });

  it('a string is a name first, then a decimal index', () => {
    expect(classIdOf(garments, 'Ankle boot')).toBe(3);
    expect(classIdOf(garments, '3')).toBe(3);
    expect(classIdOf(garments, ' 2 ')).toBe(2);
    expect(classIdOf(['1', '0', 'Bag'], '1')).toBe(0); // the class named "1", not index 1
    expect(classIdOf(['1', '0', 'Bag'], '2')).toBe(2);
    expect(classIdOf(['001', '002'], '001')).toBe(0);
    expect(classIdOf(['001', '002'], '1')).toBe(1);
    for (const bad of ['10', '-1', '1e0', '0x1', '01', '2.0', 'seven', '', ' ', '99999999999999999999'])
      expect(classIdOf(digits, bad)).toBeUndefined();
  });

  it('anything else names no class', () => {
    for (const bad of [null, undefined, true, [1], { id: 1 }, 1n])
      expect(classIdOf(digits, bad)).toBeUndefined();
  });
});
