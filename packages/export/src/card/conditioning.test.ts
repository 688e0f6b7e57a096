import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { thrown } from '../testing/expected-errors.ts';
import { conditionalGenerator, projectionDiscriminator } from '../testing/conditional-layouts.ts';
import { dcganGenerator } from '../testing/layouts.ts';
import { useCpu } from '../testing/fixtures.ts';
import type { ModelProvenance } from './build-card.ts';
import { buildCard } from './build-card.ts';
import { conditioningOf } from './conditioning.ts';

beforeAll(useCpu);

const provenance: ModelProvenance = {
  latent: { size: 6, distribution: 'uniform' },
  dataset: { name: 'mnist' },
  training: { config: {}, stepsTrained: 1, backend: { name: 'cpu', version: '4.22.0', threads: 1 }, seed: 0 },
};
const card = (p: ModelProvenance) =>
  buildCard({
    name: 'digits',
    network: 'generator',
    provenance: p,
    imageShape: [28, 28, 1],
    onnx: { opset: 13, irVersion: 8, inputName: 'latent', outputName: 'image' },
    createdAt: new Date('2026-11-23T19:00:00Z'),
  });

describe("the card's conditioning section", () => {
  it("names the classes from the run, else '0'..'n-1' from the Embedding's inputDim; none for an unconditional model", () => {
    const g = conditionalGenerator({ kind: 'mlp', merge: 'concat', numClasses: 3 });
    expect(conditioningOf(g)).toEqual({ input: 'class', classes: ['0', '1', '2'] });
    expect(conditioningOf(g, ['cat', 'dog', 'bird'])).toEqual({
      input: 'class',
      classes: ['cat', 'dog', 'bird'],
    });
    expect(conditioningOf(projectionDiscriminator({ numClasses: 2 }))).toEqual({
      input: 'class',
      classes: ['0', '1'],
    });
    expect(conditioningOf(dcganGenerator({ size: 28, channels: 1, kernel: 4 }), ['cat'])).toBeUndefined();
    expect(
      conditioningOf(tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1 })] })),
    ).toBe(undefined);
  });

  it('a run naming another number of classes than the model embeds is export_mismatch', () => {
    const g = conditionalGenerator({ kind: 'mlp', merge: 'multiply', numClasses: 3 });
    expect(thrown(() => conditioningOf(g, ['cat', 'dog']))).toMatchObject({
      code: 'export_mismatch',
      message: "the run names 2 classes (dataset.classes in meta.json) but model 'generator' embeds 3",
    });
  });

  it('buildCard writes it after latent and validates it (duplicate names, empty list); without it the card is as before', () => {
    const conditioning = { input: 'class', classes: ['cat', 'dog'] };
    const c = card({ ...provenance, conditioning });
    expect(c.conditioning).toEqual(conditioning);
    expect(Object.keys(c).slice(0, 5)).toEqual(['name', 'network', 'latent', 'conditioning', 'output']);
    expect('conditioning' in card(provenance)).toBe(false);
    expect(() => card({ ...provenance, conditioning: { input: 'class', classes: ['cat', 'cat'] } })).toThrow(
      `exported model card field 'conditioning.classes[1]': duplicate class name (also class 0) (got "cat")`,
    );
    expect(() => card({ ...provenance, conditioning: { input: 'class', classes: [] } })).toThrow(
      "exported model card field 'conditioning.classes': expected at least one class (got [])",
    );
  });
});
