import { existsSync } from 'node:fs';
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { parseModelCard } from '@ganforge/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelProvenance } from './card/build-card.ts';
import { CARD_METADATA_KEY } from './card/build-card.ts';
import type { LoadedNetwork } from './export-model.ts';
import { exportNetwork } from './export-model.ts';
import { decodeModel } from './onnx/proto.ts';
import { maxAbsDiff, predictTfjs } from './parity/check.ts';
import { runOrtNode } from './parity/runtimes.ts';
import { dcganGenerator } from './testing/layouts.ts';
import { randomizeWeights, uniformInput, useCpu } from './testing/fixtures.ts';
import { rejection } from './testing/expected-errors.ts';
import { tempDirs } from './testing/workdirs.ts';

beforeAll(useCpu);

const provenance: ModelProvenance = {
  latent: { size: 6, distribution: 'uniform' },
  dataset: { name: 'mnist', split: 'train', size: 60000 },
  training: {
    config: { generator: { kind: 'dcgan', kernelSize: 4 }, loss: 'non_saturating' },
    stepsTrained: 500,
    backend: { name: 'cpu', version: '4.22.0', threads: 1 },
    seed: 1,
  },
};

function generator(seed = 1): LoadedNetwork {
  const model = dcganGenerator({ size: 28, channels: 1, kernel: 4 });
  randomizeWeights(model, { seed });
  return { model, network: 'generator', provenance };
}

const workdir = tempDirs('ganforge-export-');

describe('exportNetwork', () => {
  it('writes model.onnx + card.json; the card is in metadata_props too, with parity figures from both runtimes', async () => {
    const root = await workdir();
    const out = join(root, 'models', 'digits');
    const loaded = generator();
    const result = await exportNetwork(loaded, { out, createdAt: new Date('2026-11-23T19:00:00Z') });
    expect((await readdir(out)).sort()).toEqual(['card.json', 'model.onnx']);
    expect((await readdir(join(root, 'models'))).sort()).toEqual(['digits']);
    const card = parseModelCard(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')));
    expect(card).toEqual(result.card);
    expect(card).toMatchObject({
      name: 'digits',
      network: 'generator',
      latent: { size: 6, distribution: 'uniform' },
      output: { height: 28, width: 28, channels: 1, valueRange: [-1, 1] },
      dataset: { name: 'mnist' },
      training: { stepsTrained: 500, backend: { name: 'cpu' } },
      onnx: { opset: 13, irVersion: 8, inputName: 'latent', outputName: 'image' },
      createdAt: '2026-11-23T19:00:00.000Z',
    });
    expect(card.parity?.tolerance).toBe(1e-4);
    expect(card.parity?.batch).toBe(8);
    expect(card.parity?.maxAbsDiff['onnxruntime-node']).toBeLessThan(1e-4);
    expect(card.parity?.maxAbsDiff['onnxruntime-web']).toBeLessThan(1e-4);

    const bytes = new Uint8Array(await readFile(join(out, 'model.onnx')));
    const meta = decodeModel(bytes).metadataProps.find((p) => p.key === CARD_METADATA_KEY);
    expect(JSON.parse(meta?.value ?? '{}')).toEqual(card);
    // The written file itself runs and matches tfjs.
    const z = uniformInput(4 * 6);
    const got = await runOrtNode({
      model: bytes,
      inputName: 'latent',
      outputName: 'image',
      input: z,
      dims: [4, 6],
    });
    expect(got.dims).toEqual([4, 28, 28, 1]);
    expect(maxAbsDiff(predictTfjs(loaded.model, z, [4, 6]), got.data)).toBeLessThan(1e-4);
  });

  it('does not overwrite an existing model without force; with force it replaces it', async () => {
    const out = join(await workdir(), 'm');
    await exportNetwork(generator(1), { out, check: false, createdAt: new Date('2026-01-01T00:00:00Z') });
    const before = await readFile(join(out, 'model.onnx'));
    const e = await rejection(exportNetwork(generator(2), { out, check: false }));
    expect(e.code).toBe('export_exists');
    expect(e.message).toContain('a model already exists in');
    expect(e.hint).toContain('--force');
    expect(await readFile(join(out, 'model.onnx'))).toEqual(before);
    await exportNetwork(generator(2), {
      out,
      check: false,
      force: true,
      createdAt: new Date('2026-02-01T00:00:00Z'),
    });
    expect(await readFile(join(out, 'model.onnx'))).not.toEqual(before);
    expect(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')).createdAt).toBe(
      '2026-02-01T00:00:00.000Z',
    );
    expect((await readdir(join(out, '..'))).sort()).toEqual(['m']);
  });

  it('--force never deletes files that are not a model', async () => {
    const out = join(await workdir(), 'mine');
    await mkdir(out);
    await writeFile(join(out, 'notes.txt'), 'keep me');
    const e = await rejection(exportNetwork(generator(), { out, check: false, force: true }));
    expect(e.message).toContain('notes.txt');
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('an unwritable output directory is a clear error, before any work', async () => {
    const root = await workdir();
    await writeFile(join(root, 'a-file'), '');
    const e = await rejection(exportNetwork(generator(), { out: join(root, 'a-file', 'models', 'x') }));
    expect(e.code).toBe('export_unwritable');
    expect(e.message).toMatch(/^cannot write the model into .*a-file.* \((ENOTDIR|EEXIST)\)$/);
  });

  it('an unsupported layer or a failed parity check writes nothing', async () => {
    const root = await workdir();
    const bad = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [6], units: 4, activation: 'softmax', name: 'g_soft' }),
        tfl.layers.reshape({ targetShape: [2, 2, 1] }),
      ],
    });
    const e1 = await rejection(
      exportNetwork({ model: bad, network: 'generator', provenance }, { out: join(root, 'models', 'bad') }),
    );
    expect(e1.message).toContain("'g_soft' (Dense)");
    const e2 = await rejection(exportNetwork(generator(), { out: join(root, 'strict'), tolerance: 1e-12 }));
    expect(e2.code).toBe('export_parity');
    expect(e2.message).toMatch(/onnxruntime-(node|web) differs from tfjs by/);
    expect(await readdir(root)).toEqual([]);
  });

  it('opset 17 and the parity check switched off', async () => {
    const out = join(await workdir(), 'o17');
    const r = await exportNetwork(generator(), { out, opset: 17, check: false, name: 'digits-17' });
    expect(r.card.onnx.opset).toBe(17);
    expect(r.card.name).toBe('digits-17');
    expect(r.card.parity).toBeUndefined();
    expect(
      Number(decodeModel(new Uint8Array(await readFile(join(out, 'model.onnx')))).opsetImport[0]?.version),
    ).toBe(17);
    expect((await stat(out)).isDirectory() && existsSync(join(out, 'card.json'))).toBe(true);
  });
});
