import { describe, expect, test } from 'vitest';
import type { ConfigPath, ConfigPathTo } from './config-path.ts';
import { parseTrainConfig } from './resolve.ts';
import { valueAtPath } from '../diagnostics/remedies.ts';

describe('typed config paths', () => {
  test('name real fields of the config; a misspelt one or one of the wrong type does not compile', () => {
    const paths: ConfigPath[] = [
      'techniques.instanceNoise',
      'techniques.labels.flipProbability',
      'optimizers.d.lr',
      'generator.hidden', // of the mlp kind only
      'discriminator.spectralNorm',
    ];
    const switches: ConfigPathTo<boolean>[] = ['techniques.adaptiveL2.enabled', 'frozenInference'];
    // @ts-expect-error misspelt
    const misspelt: ConfigPath = 'techniques.instanceNoize';
    // @ts-expect-error not a boolean
    const notASwitch: ConfigPathTo<boolean> = 'optimizers.d.lr';
    const config = parseTrainConfig({ generator: { kind: 'mlp' } });
    for (const path of [...paths, ...switches]) expect(valueAtPath(config, path)).toBeDefined();
    expect([misspelt, notASwitch].map((p) => valueAtPath(config, p))).toEqual([undefined, 0.0002]);
  });
});
