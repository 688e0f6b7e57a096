import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelCard } from '@ganforge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_METADATA_KEY } from '../card/build-card.ts';
import { decodeModel } from '../onnx/proto.ts';
import { maxAbsDiff, predictTfjs } from '../parity/check.ts';
import { runOrtNode, runOrtWeb } from '../parity/runtimes.ts';
import { runExport } from '../run-export.ts';
import { writeFixtureRun } from '../testing/checkpoint.ts';
import type { FixtureRun } from '../testing/checkpoint.ts';
import { rejection } from '../testing/expected-errors.ts';
import { uniformInput, useCpu } from '../testing/fixtures.ts';
import { loadNetwork } from './from-run.ts';

const CLASSES = ['zero', 'one', 'two', 'three'];
const runs: FixtureRun[] = [];
let named: FixtureRun;
beforeAll(async () => {
  await useCpu();
  named = await writeFixtureRun({ conditional: { numClasses: 4, classes: CLASSES } });
  runs.push(named);
});
afterAll(() => Promise.all(runs.map((r) => rm(r.root, { recursive: true, force: true }))));

const base = { opset: 13 as const, check: true, tolerance: 1e-4, network: 'g' as const, force: false };

describe('export of a class-conditional run (checkpoint saved and loaded back by @ganforge/runs)', () => {
  it("G: card.conditioning names the run's classes; model.onnx takes latent + class and matches tfjs at N=1 and N=5", async () => {
    const out = join(named.root, 'models', 'cond-g');
    const r = await runExport(named.runDir, { ...base, out });
    const card = parseModelCard(JSON.parse(await readFile(join(out, 'card.json'), 'utf8')));
    expect(card.conditioning).toEqual({ input: 'class', classes: CLASSES });
    expect(card.onnx).toMatchObject({ inputName: 'latent', outputName: 'image' });
    expect(r.parity?.maxAbsDiff['onnxruntime-node']).toBeLessThan(1e-4);
    expect(r.parity?.maxAbsDiff['onnxruntime-web']).toBeLessThan(1e-4);
    const bytes = new Uint8Array(await readFile(join(out, 'model.onnx')));
    const proto = decodeModel(bytes);
    expect(proto.graph?.input?.map((i) => i.name)).toEqual(['latent', 'class']);
    const meta = proto.metadataProps.find((p) => p.key === CARD_METADATA_KEY);
    expect(JSON.parse(meta?.value ?? '{}').conditioning).toEqual(card.conditioning);
    // The written file, against the loaded checkpoint's tfjs model, at two batch sizes with mixed classes.
    const { model } = await loadNetwork(named.runDir, { network: 'generator' });
    for (const classes of [[3], [0, 3, 1, 2, 1]]) {
      const n = classes.length;
      const z = uniformInput(n * 8, n);
      const expected = predictTfjs(model, z, [n, 8], classes);
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(0.1);
      for (const run of [runOrtNode, runOrtWeb]) {
        const got = await run({
          model: bytes,
          inputName: 'latent',
          outputName: 'image',
          input: z,
          dims: [n, 8],
          classes: { name: 'class', values: classes },
        });
        expect(got.dims).toEqual([n, 28, 28, 1]);
        expect(maxAbsDiff(expected, got.data)).toBeLessThan(1e-4);
      }
    }
  });

  it('D (a projection discriminator): image + class -> logit, with the same conditioning section', async () => {
    const out = join(named.root, 'models', 'cond-d');
    const r = await runExport(named.checkpointDir, { ...base, out, network: 'd' });
    expect(r.card.network).toBe('discriminator');
    expect(r.card.conditioning).toEqual({ input: 'class', classes: CLASSES });
    expect(r.parity?.maxAbsDiff['onnxruntime-web']).toBeLessThan(1e-4);
    const proto = decodeModel(new Uint8Array(await readFile(join(out, 'model.onnx'))));
    expect(proto.graph?.input?.map((i) => i.name)).toEqual(['image', 'class']);
  });

  it("a run that names no classes gets '0'..'n-1'; an unconditional run naming classes gets no section", async () => {
    const unnamed = await writeFixtureRun({ conditional: { numClasses: 3 } });
    const plain = await writeFixtureRun();
    runs.push(unnamed, plain);
    const meta = join(plain.runDir, 'meta.json');
    const m = JSON.parse(await readFile(meta, 'utf8'));
    await writeFile(meta, JSON.stringify({ ...m, dataset: { ...m.dataset, classes: ['a', 'b'] } }));
    const a = await runExport(unnamed.runDir, {
      ...base,
      out: join(unnamed.root, 'models', 'u'),
      check: false,
    });
    expect(a.card.conditioning).toEqual({ input: 'class', classes: ['0', '1', '2'] });
    const b = await runExport(plain.runDir, { ...base, out: join(plain.root, 'models', 'p'), check: false });
    expect('conditioning' in b.card).toBe(false);
  });

  it('bad class names in meta.json stop the export before anything is written', async () => {
    const run = await writeFixtureRun({ conditional: { numClasses: 2 } });
    runs.push(run);
    const meta = join(run.runDir, 'meta.json');
    const m = JSON.parse(await readFile(meta, 'utf8'));
    const withClasses = (classes: unknown) =>
      writeFile(meta, JSON.stringify({ ...m, dataset: { ...m.dataset, classes } }));
    const out = join(run.root, 'models', 'bad');
    await withClasses(['cat', 'dog', 'bird']);
    expect(await rejection(runExport(run.runDir, { ...base, out }))).toMatchObject({
      code: 'export_mismatch',
      message: "the run names 3 classes (dataset.classes in meta.json) but model 'generator' embeds 2",
    });
    await withClasses(['cat', 'cat']);
    expect((await rejection(runExport(run.runDir, { ...base, out }))).message).toBe(
      `exported model card field 'conditioning.classes[1]': duplicate class name (also class 0) (got "cat")`,
    );
    await withClasses('cat,dog');
    expect(await rejection(runExport(run.runDir, { ...base, out }))).toMatchObject({
      code: 'bad_run',
      message: "meta.json's dataset.classes is not a list of class names",
    });
    expect(await readdir(run.root)).not.toContain('models');
  });
});
