import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { errorOf } from '@ganforge/core/testing';
import YAML from 'yaml';
import { buildDiscriminator, buildGenerator } from '../models/index.ts';
import { formatTrainConfig, parseTrainConfig, resolveTrainConfig } from './resolve.ts';
import { parseOverride } from './overrides.ts';
import { TrainConfigSchema } from './schema.ts';
import { describeField } from './suggest.ts';
import { assertShapeFits } from './shape.ts';

const CONFIGS = join(import.meta.dirname, '../../../../configs');

describe('config schema', () => {
  test('an empty config resolves to the documented defaults', () => {
    const c = parseTrainConfig({});
    expect(c.latent).toEqual({ dim: 100, distribution: 'uniform' });
    expect(c.generator.kind).toBe('dcgan');
    expect(c.optimizers.d).toMatchObject({ kind: 'adam', lr: 0.0002, beta1: 0.5 });
    expect(c.techniques.marginBalance.enabled).toBe(false);
    expect(c.batchMode).toBe('separate');
  });

  test('unknown keys are rejected with a did-you-mean naming the path', () => {
    const e = errorOf(() => parseTrainConfig({ optimizers: { d: { lrr: 0.1 } }, batchsize: 3 }));
    expect(e.code).toBe('bad_config');
    expect(e.message).toContain('unknown field optimizers.d.lrr (did you mean optimizers.d.lr?)');
    expect(e.message).toContain('unknown field batchsize (did you mean batchSize?)');
  });

  test('unknown keys inside a discriminated union follow its kind', () => {
    const e = errorOf(() => parseTrainConfig({ generator: { kind: 'mlp', hiden: [8] } }));
    expect(e.message).toContain('generator.hiden (did you mean generator.hidden?)');
  });

  test('out-of-range values name the field path and the value', () => {
    const e = errorOf(() => parseTrainConfig({ optimizers: { g: { lr: 5 } }, batchSize: 0 }));
    expect(e.message).toMatch(/optimizers\.g\.lr: .*<=1.*\(got 5\)/);
    expect(e.message).toMatch(/batchSize: .*>=1.*\(got 0\)/);
    expect(errorOf(() => parseTrainConfig({ dStepsPerG: 2, gStepsPerD: 2 })).message).toContain('gStepsPerD');
    expect(
      errorOf(() =>
        parseTrainConfig({
          batchMode: 'mixed',
          discriminator: { kind: 'dcgan', minibatch: 'mean_difference' },
        }),
      ).message,
    ).toContain("batchMode: 'mixed' would compute the minibatch mean-difference features");
  });

  test('every field has a description', () => {
    const missing: string[] = [];
    const walk = (value: unknown, path: string[], root: unknown): void => {
      if (path.length > 0 && !describeField(TrainConfigSchema, path, root)) missing.push(path.join('.'));
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k], root);
      }
    };
    for (const input of [{}, { generator: { kind: 'mlp' }, discriminator: { kind: 'mlp' } }]) {
      const c = parseTrainConfig(input);
      walk(c, [], c);
    }
    expect(missing).toEqual([]);
  });
});

describe('--set overrides', () => {
  test('values are YAML scalars: numbers, booleans, flow lists, strings', () => {
    expect(parseOverride('optimizers.d.lr=4e-4')).toEqual({ path: ['optimizers', 'd', 'lr'], value: 0.0004 });
    expect(parseOverride('frozenInference=true').value).toBe(true);
    expect(parseOverride('generator.hidden=[128, 384]').value).toEqual([128, 384]);
    expect(parseOverride('name=my-run').value).toBe('my-run');
    expect(() => parseOverride('no-equals-sign')).toThrow(/key\.path=value/);
  });

  test('overrides apply after the file, in order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'name: from-file\nbatchSize: 32\noptimizers: { d: { lr: 0.001 } }\n');
    const c = resolveTrainConfig({ file, set: ['batchSize=8', 'optimizers.g.kind=rmsprop', 'batchSize=16'] });
    expect(c.name).toBe('from-file');
    expect(c.batchSize).toBe(16);
    expect(c.optimizers.d.lr).toBe(0.001);
    expect(c.optimizers.g.kind).toBe('rmsprop');
    const e = errorOf(() => resolveTrainConfig({ file, set: ['optimizer.g.lr=0.1'] }));
    expect(e.message).toBe('--set optimizer.g.lr=0.1: unknown field optimizer (did you mean optimizers?)');
  });

  test('a bad field is blamed on where it came from: the file (named, with the key) or the --set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-config-'));
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'name: typo\nbatchsize: 32\noptimizers: { d: { lr: 5 } }\n');
    const fromFile = errorOf(() => resolveTrainConfig({ file, set: ['seed=3', 'optimizers.g.lr=0.001'] }));
    expect(fromFile.message).toBe(
      `config file ${file}: optimizers.d.lr: Too big: expected number to be <=1 (got 5); unknown field batchsize (did you mean batchSize?)`,
    );
    expect(fromFile.message).not.toContain('--set');
    expect(fromFile.usage).toBe(false); // a bad input file: the CLI exits 1
    // the same key fixed by a --set is no error; a bad one in a --set is the --set's
    writeFileSync(file, 'name: typo\noptimizers: { d: { lr: 5 } }\n');
    expect(resolveTrainConfig({ file, set: ['optimizers.d.lr=0.001'] }).optimizers.d.lr).toBe(0.001);
    const fromSet = errorOf(() =>
      resolveTrainConfig({ file, set: ['optimizers.d.lr=0.001', 'generator={kind: mlp, hiden: [8]}'] }),
    );
    expect(fromSet.message).toBe(
      '--set generator={kind: mlp, hiden: [8]}: unknown field generator.hiden (did you mean generator.hidden?)',
    );
    expect(fromSet.usage).toBe(true); // a bad option value: the CLI exits 2
    // both at once: each named
    const both = errorOf(() => resolveTrainConfig({ file, set: ['batchSize=0'] }));
    expect(both.message).toContain(`config file ${file}: optimizers.d.lr:`);
    expect(both.message).toContain('--set batchSize=0: batchSize:');
    expect(both.usage).toBe(false);
    // no file: the --set is named all the same; a --set that is not key=value is a usage error too
    expect(errorOf(() => resolveTrainConfig({ set: ['batchsize=8'] })).message).toMatch(
      /^--set batchsize=8: /,
    );
    expect(errorOf(() => resolveTrainConfig({ set: ['batchSize'] })).usage).toBe(true);
  });

  test('JSON files load too; a missing file and bad YAML are clear errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ganforge-config-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ seed: 7 }));
    expect(resolveTrainConfig({ file: join(dir, 'c.json') }).seed).toBe(7);
    expect(errorOf(() => resolveTrainConfig({ file: join(dir, 'nope.yaml') })).code).toBe('config_not_found');
    writeFileSync(join(dir, 'bad.yaml'), 'seed: [1,\n');
    expect(errorOf(() => resolveTrainConfig({ file: join(dir, 'bad.yaml') })).message).toContain(
      'not valid YAML',
    );
  });
});

describe('print-config', () => {
  test('the printed config has a comment per field and parses back to the same config', () => {
    const c = resolveTrainConfig({ set: ['generator.kind=mlp', 'techniques.marginBalance.enabled=true'] });
    const text = formatTrainConfig(c);
    expect(text).toContain('# Seed of every random stream');
    expect(text).toMatch(/# .*\n\s+margin: 0\.3/);
    expect(parseTrainConfig(YAML.parse(text))).toEqual(c);
  });
});

describe('presets', () => {
  const files = readdirSync(CONFIGS).filter((f) => f.endsWith('.yaml'));
  // The page the presets cite: its text (titles of the public sources) and its headings' anchors.
  const techniques = readFileSync(join(CONFIGS, '../docs/techniques.md'), 'utf8');
  const documented = techniques.replace(/\s+/g, ' ');
  const anchors = techniques
    .split('\n')
    .flatMap((line) => /^#{1,6} (.+)$/.exec(line)?.slice(1) ?? [])
    .map((h) =>
      h
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-'),
    );
  test('ship dcgan-mnist, the seven layouts of "Using Moments…" and the three panels of "Balancing the GAN game"', () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
    expect(files).toContain('dcgan-mnist.yaml');
    expect(anchors).toContain('margin-balance');
  });
  test.each(files)('%s parses and cites its source', (file) => {
    const c = resolveTrainConfig({ file: join(CONFIGS, file) });
    expect(`${c.name}.yaml`).toBe(file);
    const text = readFileSync(join(CONFIGS, file), 'utf8');
    expect(text.startsWith(`# ${c.name}`)).toBe(true);
    // The leading comment block names a public source by its quoted title, which docs/techniques.md
    // lists, and links the technique's section there.
    const header = /^(?:#.*\n)+/.exec(text)?.[0] ?? '';
    const title = /^# Source: "([^"]+)"/m.exec(header)?.[1];
    expect(title, 'a "# Source: \\"<title>\\"" line').toBeDefined();
    expect(documented.includes(title ?? '\0'), `"${title}" is listed in docs/techniques.md`).toBe(true);
    const anchor = /docs\/techniques\.md#([a-z0-9-]+)/.exec(header)?.[1];
    expect(anchor, 'a docs/techniques.md#<anchor> link').toBeDefined();
    expect(anchors).toContain(anchor);
  });
});

describe('dataset shape vs architecture', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const mlp = parseTrainConfig({
    generator: { kind: 'mlp', hidden: [4] },
    discriminator: { kind: 'mlp', hidden: [4] },
    batchSize: 4,
  });
  test('dcgan rejects an image size it does not support, naming it', () => {
    const e = errorOf(() =>
      assertShapeFits(parseTrainConfig({}), {
        name: 'x',
        size: 100,
        shape: { height: 20, width: 20, channels: 1 },
      }),
    );
    expect(e.code).toBe('unsupported_image_shape');
    expect(e.message).toContain('20x20x1');
  });
  test('models built for another shape are rejected', () => {
    const shape = { height: 8, width: 8, channels: 1 } as const;
    const generator = buildGenerator(mlp.generator, { latentDim: 100, shape, seed: 1 });
    const discriminator = buildDiscriminator(mlp.discriminator, { shape, seed: 2 });
    const other = { name: 'other', size: 10, shape: { height: 9, width: 9, channels: 1 } } as const;
    const e = errorOf(() => assertShapeFits(mlp, other, { generator, discriminator }));
    expect(e.code).toBe('shape_mismatch');
    expect(e.message).toContain('8x8x1');
    expect(e.message).toContain('9x9x1');
    generator.dispose();
    discriminator.dispose();
  });
  test('a batch larger than the dataset is rejected', () => {
    expect(
      errorOf(() =>
        assertShapeFits(mlp, { name: 'tiny', size: 2, shape: { height: 8, width: 8, channels: 1 } }),
      ).message,
    ).toContain('batchSize 4 is larger than dataset tiny');
  });
});
