import { describe, expect, it } from 'vitest';
import { ALL_CLASSES, classOptions, gridClassAttributes } from './class-choice.ts';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

describe('the page class picker', () => {
  it('offers all classes first, then each class by name (with its index when the name is not it)', () => {
    expect(classOptions(['0', '1'])).toEqual([
      { value: 'all', text: 'all classes (one row per class)' },
      { value: '0', text: '0' },
      { value: '1', text: '1' },
    ]);
    expect(classOptions(['cat', 'dog']).map((o) => o.text)).toEqual([
      'all classes (one row per class)',
      '0: cat',
      '1: dog',
    ]);
    const many = classOptions(Array.from({ length: 300 }, (_, i) => `c${i}`));
    expect(many[0]).toEqual({ value: '0', text: '0: c0' }); // 300 rows would be too many images
    expect(many).toHaveLength(300);
  });

  it('all classes: one row per class, n capped so the grid holds at most 256 images; one class: its name', () => {
    expect(gridClassAttributes(DIGITS, ALL_CLASSES, 16)).toEqual({
      label: undefined,
      layout: 'per-class',
      index: undefined,
      n: 16,
    });
    expect(gridClassAttributes(DIGITS, ALL_CLASSES, 64).n).toBe(25);
    expect(gridClassAttributes(['1', '0'], '0', 9)).toEqual({
      label: '1',
      layout: undefined,
      index: 0,
      n: 9,
    });
    expect(gridClassAttributes(Array.from({ length: 100 }, String), ALL_CLASSES, 4).n).toBe(2);
    expect(gridClassAttributes(undefined, '3', 36)).toEqual({
      label: undefined,
      layout: undefined,
      index: undefined,
      n: 36,
    });
  });
});
