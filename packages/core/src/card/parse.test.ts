import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { formatFieldPath, parseModelCard } from './parse.ts';
import type { ModelCard } from './schema.ts';

const card: ModelCard = {
  name: 'mnist-dcgan',
  description: 'DCGAN generator trained on MNIST',
  network: 'generator',
  latent: { size: 100, distribution: 'normal' },
  output: { height: 28, width: 28, channels: 1, valueRange: [-1, 1] },
  dataset: { name: 'mnist', split: 'train', size: 60000 },
  training: {
    config: {
      model: 'dcgan',
      loss: 'nonsaturating',
      optimizer: { d: { lr: 2e-4 }, g: { lr: 2e-4 } },
      techniques: ['labelSmoothing'],
    },
    stepsTrained: 1000,
    backend: { name: 'wasm', version: '4.22.0', threads: 2, gemm: 'onnxruntime-node 1.30.0, 2 threads' },
    seed: 0,
  },
  evaluation: {
    metrics: { fid: 31.2, classifierScore: 8.4 },
    protocol: { samples: 10000, reference: 'mnist-test' },
  },
  parity: { maxAbsDiff: { 'onnxruntime-node': 3e-7, 'onnxruntime-web': 4e-7 }, tolerance: 1e-4, batch: 16 },
  onnx: { opset: 17, irVersion: 8, inputName: 'z', outputName: 'image' },
  createdAt: '2026-11-23T19:00:00.000Z',
  ganforgeVersion: '0.1.0',
};

// A card being broken on purpose is untyped JSON by nature.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyJson = any;

/** The message of the GanforgeError that parsing `mutate(copy of card)` throws. */
function rejection(mutate: (c: AnyJson) => void): string {
  const c = JSON.parse(JSON.stringify(card)) as AnyJson;
  mutate(c);
  try {
    parseModelCard(c);
  } catch (e) {
    expect(e).toBeInstanceOf(GanforgeError);
    expect((e as GanforgeError).code).toBe('bad_model_card');
    return (e as GanforgeError).message;
  }
  throw new Error('card was accepted');
}

describe('parseModelCard', () => {
  it('accepts a full card and returns it unchanged; JSON round trip is lossless', () => {
    expect(parseModelCard(card)).toEqual(card);
    expect(parseModelCard(JSON.parse(JSON.stringify(card)))).toEqual(card);
  });

  it('accepts a minimal card without the optional parts and drops unknown keys', () => {
    const { description: _d, evaluation: _e, parity: _p, ...minimal } = card;
    const parsed = parseModelCard({ ...minimal, extra: 1, dataset: { name: 'folder' } });
    expect(parsed.evaluation).toBeUndefined();
    expect(parsed.dataset).toEqual({ name: 'folder' });
    expect('extra' in parsed).toBe(false);
    expect(parseModelCard({ ...card, createdAt: '2026-11-23T20:00:00+01:00' }).createdAt).toBe(
      '2026-11-23T20:00:00+01:00',
    );
  });

  it('rejects each kind of bad field, naming the field path and the value', () => {
    expect(rejection((c) => (c.output.channels = 4))).toBe(
      "model card field 'output.channels': expected 1 or 3 (got 4)",
    );
    expect(rejection((c) => delete c.latent)).toBe("model card field 'latent' is missing (expected object)");
    expect(rejection((c) => (c.latent.size = 0))).toMatch(/^model card field 'latent\.size': .*\(got 0\)$/);
    expect(rejection((c) => (c.latent.distribution = 'gaussian'))).toMatch(
      /field 'latent\.distribution': .*"uniform"\|"normal" \(got "gaussian"\)/,
    );
    expect(rejection((c) => (c.output.valueRange = [0, 1]))).toMatch(
      /field 'output\.valueRange\[0\]'.*got 0/,
    );
    expect(rejection((c) => (c.createdAt = 'yesterday'))).toMatch(/field 'createdAt'.*datetime.*"yesterday"/);
    expect(rejection((c) => (c.createdAt = '2026-11-23T19:00:00'))).toMatch(/field 'createdAt'/); // no zone
    expect(rejection((c) => (c.network = 'critic'))).toMatch(/field 'network'/);
    expect(rejection((c) => (c.training.backend.threads = 1.5))).toMatch(
      /field 'training\.backend\.threads'/,
    );
    expect(rejection((c) => (c.training.stepsTrained = -1))).toMatch(/field 'training\.stepsTrained'/);
    expect(rejection((c) => (c.training.backend.gemm = ''))).toMatch(/field 'training\.backend\.gemm'/);
    expect(rejection((c) => (c.evaluation.metrics.fid = 'good'))).toMatch(/field 'evaluation\.metrics\.fid'/);
    expect(rejection((c) => (c.parity.maxAbsDiff['onnxruntime-web'] = -1))).toMatch(
      /field 'parity\.maxAbsDiff\.onnxruntime-web'/,
    );
    expect(rejection((c) => delete c.onnx.inputName)).toMatch(/field 'onnx\.inputName' is missing/);
    expect(rejection((c) => (c.name = ''))).toMatch(/field 'name'/);
    expect(rejection((c) => delete c.network)).toBe(
      'model card field \'network\' is missing (expected "generator" or "discriminator")',
    );
    expect(rejection((c) => delete c.ganforgeVersion)).toMatch(/field 'ganforgeVersion' is missing/);
  });

  it('takes an optional serving section of positive integer limits; a card without it parses as before', () => {
    const limits = { maxBatch: 8, maxSamplesPerRequest: 32 };
    expect(parseModelCard({ ...card, serving: limits }).serving).toEqual(limits);
    expect(parseModelCard({ ...card, serving: { maxBatch: 4, later: true } }).serving).toEqual({
      maxBatch: 4,
    });
    expect(parseModelCard({ ...card, serving: {} }).serving).toEqual({});
    expect('serving' in parseModelCard(card)).toBe(false);
  });

  it('rejects a bad serving limit, naming the field and the value', () => {
    expect(rejection((c) => (c.serving = { maxBatch: 0 }))).toMatch(
      /^model card field 'serving\.maxBatch': .*\(got 0\)$/,
    );
    expect(rejection((c) => (c.serving = { maxBatch: 2.5 }))).toMatch(
      /^model card field 'serving\.maxBatch': .*int.*\(got 2\.5\)$/,
    );
    expect(rejection((c) => (c.serving = { maxSamplesPerRequest: '16' }))).toMatch(
      /^model card field 'serving\.maxSamplesPerRequest': .*number.*\(got "16"\)$/,
    );
    expect(rejection((c) => (c.serving = 64))).toMatch(/^model card field 'serving': .*object.*\(got 64\)$/);
  });

  it('takes an optional conditioning section (the class input and its class names); a card without it parses as before', () => {
    const conditioning = { input: 'class', classes: ['zero', 'one', ' two', 'T-shirt/top'] };
    const parsed = parseModelCard({ ...card, conditioning });
    expect(parsed.conditioning).toEqual(conditioning);
    // Names are kept as written (not trimmed), and the section sits after latent in the card's key order.
    expect(Object.keys(parsed).indexOf('conditioning')).toBe(Object.keys(parsed).indexOf('latent') + 1);
    expect(
      parseModelCard({ ...card, conditioning: { input: 'class', classes: ['0'], later: 1 } }).conditioning,
    ).toEqual({ input: 'class', classes: ['0'] });
    expect('conditioning' in parseModelCard(card)).toBe(false);
    expect(parseModelCard(JSON.parse(JSON.stringify(card)))).toEqual(parseModelCard(card));
  });

  it('rejects an empty class list, a duplicate or blank class name, and a missing input, naming the field', () => {
    expect(rejection((c) => (c.conditioning = { input: 'class', classes: [] }))).toBe(
      "model card field 'conditioning.classes': expected at least one class (got [])",
    );
    expect(
      rejection((c) => (c.conditioning = { input: 'class', classes: ['cat', 'dog', 'bird', 'cat'] })),
    ).toBe('model card field \'conditioning.classes[3]\': duplicate class name (also class 0) (got "cat")');
    expect(rejection((c) => (c.conditioning = { input: 'class', classes: ['cat', ''] }))).toBe(
      'model card field \'conditioning.classes[1]\': expected a non-empty class name (got "")',
    );
    expect(rejection((c) => (c.conditioning = { input: 'class', classes: ['cat', '  '] }))).toMatch(
      /^model card field 'conditioning\.classes\[1\]': expected a non-empty class name/,
    );
    expect(rejection((c) => (c.conditioning = { input: 'class', classes: ['cat', 7] }))).toMatch(
      /^model card field 'conditioning\.classes\[1\]': .*string.*\(got 7\)$/,
    );
    expect(rejection((c) => (c.conditioning = { classes: ['cat'] }))).toMatch(
      /^model card field 'conditioning\.input' is missing/,
    );
    expect(rejection((c) => (c.conditioning = { input: 'class' }))).toMatch(
      /^model card field 'conditioning\.classes' is missing/,
    );
  });

  it('rejects non-JSON data in the config summary and a non-finite metric', () => {
    const c = JSON.parse(JSON.stringify(card));
    c.training.config.callback = () => 1;
    expect(() => parseModelCard(c)).toThrow(
      /field 'training\.config\.callback': expected plain JSON data.*\(got \(\) => 1\)$/,
    );
    const n = JSON.parse(JSON.stringify(card));
    n.training.config.layers = [{ units: 128 }, { units: Infinity }];
    expect(() => parseModelCard(n)).toThrow(/field 'training\.config\.layers\[1\]\.units'.*\(got Infinity\)/);
    const d = JSON.parse(JSON.stringify(card));
    d.evaluation.metrics.fid = NaN;
    expect(() => parseModelCard(d)).toThrow(/field 'evaluation\.metrics\.fid'.*got NaN/);
  });

  it('names the first failing field, counts the rest, and handles a non-object', () => {
    expect(
      rejection((c) => {
        c.output.channels = 2;
        c.output.height = -1;
        delete c.onnx;
      }),
    ).toMatch(/^model card field '[a-z.]+'.*; 2 more problems$/);
    expect(() => parseModelCard(null)).toThrow(/model card field '\(card\)'/);
    expect(() => parseModelCard([], 'models/x/card.json')).toThrow(/^models\/x\/card\.json field '\(card\)'/);
  });
});

describe('formatFieldPath', () => {
  it('joins keys with dots and indices in brackets', () => {
    expect(formatFieldPath(['training', 'config', 'layers', 2, 'units'])).toBe(
      'training.config.layers[2].units',
    );
    expect(formatFieldPath([])).toBe('(card)');
  });
});
