import { expect, test } from 'vitest';
import { conditionalLines } from './eval.ts';

test('the conditional summary: overall numbers, a row per class with names padded, or why it was skipped', () => {
  const names = ['T-shirt/top', 'Trouser'];
  const lines = conditionalLines({
    numClasses: 2,
    classDraw: 'balanced',
    accuracy: 0.75,
    meanFrechetDistance: 12.5,
    perClass: names.map((name, c) => ({
      class: c,
      name,
      samples: 50,
      referenceSamples: 50,
      accuracy: c === 0 ? 0.5 : 1,
      frechetDistance: 10 + 5 * c,
    })),
  });
  expect(lines).toEqual([
    'conditional (2 classes, sample i generated for class i mod 2):',
    '  accuracy             0.7500',
    '  meanFrechetDistance  12.5000',
    '  class name        samples accuracy frechetDistance',
    '  0     T-shirt/top      50   0.5000         10.0000',
    '  1     Trouser          50   1.0000         15.0000',
  ]);
  expect(conditionalLines({ numClasses: 10, classDraw: 'balanced', skipped: 'a reason' })).toEqual([
    'conditional (10 classes, sample i generated for class i mod 10): skipped, a reason',
  ]);
});
