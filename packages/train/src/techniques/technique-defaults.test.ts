import { describe, expect, it } from 'vitest';
import { AdaptiveL2ConfigSchema } from './adaptive-l2.ts';
import { LabelsConfigSchema } from './labels.ts';
import { MomentMatchingConfigSchema } from './moment-matching.ts';

/** The techniques are off by default, with the constants of their sources (docs/techniques.md). */
describe('technique defaults', () => {
  it.each([
    [
      'adaptive L2 (docs/techniques.md#adaptive-l2): the reference constants',
      AdaptiveL2ConfigSchema,
      { enabled: false, initial: 0, upper: 1.3, lower: 0.9, delta: 1e-5 },
    ],
    [
      'labels: no one-sided smoothing (target 0.9 when on), no flipping',
      LabelsConfigSchema,
      { oneSidedSmoothing: false, smoothTarget: 0.9, flipProbability: 0 },
    ],
    [
      'moment matching (docs/techniques.md#moment-matching): weights 0.1, on the pixels',
      MomentMatchingConfigSchema,
      { enabled: false, meanWeight: 0.1, varWeight: 0.1, features: 'pixels' },
    ],
  ] as const)('%s, off by default', (_name, schema, expected) => {
    expect(schema.parse(undefined)).toEqual(expected);
  });
});
