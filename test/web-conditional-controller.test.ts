/**
 * <gan-sampler>'s controller on a real class-conditional generator (trained and exported here, see
 * support/web-conditional-model.ts), in Node with onnxruntime-web, fetched over HTTP as the browser does:
 * each image must be what onnxruntime-node computes from the same latents and class ids. Also a copy with
 * named classes ("zero".."nine"), and the shipped unconditional model for the errors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleLatents, tileGrid, toUint8Pixels, type ModelCard } from '@ganforge/core';
import {
  expectRefusal,
  maxDiff,
  startControllerFixture,
  type ControllerFixture,
} from '@ganforge/web/testing/controller';
import { runInOrtNode, writeConditionalModel } from './support/web-conditional-model.ts';

const NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

let root: string;
let dir: string;
let card: ModelCard;
let fx: ControllerFixture;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ganforge-web-cond-controller-'));
  ({ dir, card } = await writeConditionalModel(root, 'cmnist'));
  // The same model with class names that are not their indices.
  const named = join(root, 'cnamed');
  mkdirSync(named);
  copyFileSync(join(dir, 'model.onnx'), join(named, 'model.onnx'));
  const json = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8')) as { conditioning: object };
  json.conditioning = { ...json.conditioning, classes: NAMES };
  writeFileSync(join(named, 'card.json'), JSON.stringify(json));
  fx = await startControllerFixture({ models: { cmnist: dir, cnamed: named } });
});
afterAll(async () => {
  await fx?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const latents = (seed: number, n: number) =>
  sampleLatents({ seed, n, latentDim: card.latent.size, distribution: card.latent.distribution });

/** The controller's current images against onnxruntime-node on the same latents and classes. */
async function expectOrtNode(h: ReturnType<ControllerFixture['harness']>, classes: readonly number[]) {
  const result = h.controller.current!;
  expect(result.detail.classes).toEqual(classes);
  const reference = await runInOrtNode(dir, result.latents, classes);
  expect(maxDiff(result.output.data, reference)).toBeLessThan(1e-4);
  const { height, width, channels } = result.output;
  return { result, reference, height, width, channels };
}

describe('SamplerController on a class-conditional generator (onnxruntime-web in Node)', () => {
  it('label="7" draws every sample as class 7, as onnxruntime-node does, and the same seed and class give the same pixels', async () => {
    expect(card.conditioning?.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const h = fx.harness({ model: 'cmnist', seed: '42', n: '4', label: '7' });
    const detail = await h.controller.sample();
    expect(detail).toMatchObject({ seed: 42, n: 4, layout: 'grid', classes: [7, 7, 7, 7] });
    expect(Array.from(h.controller.current!.latents)).toEqual(Array.from(latents(42, 4)));
    const { result, reference, height, width, channels } = await expectOrtNode(h, [7, 7, 7, 7]);
    const grid = tileGrid({ images: toUint8Pixels(reference), n: 4, height, width, channels });
    expect(maxDiff(result.grid.pixels, grid.pixels)).toBeLessThanOrEqual(1);
    expect(new Set(result.grid.pixels).size).toBeGreaterThan(20);

    const again = fx.harness({ model: 'cmnist', seed: '42', n: '4', label: '7' });
    await again.controller.sample();
    expect(again.controller.current!.grid.pixels).toEqual(result.grid.pixels);
    again.attrs.label = '3'; // same latents, another class: other images
    await again.controller.sample();
    expect(maxDiff(again.controller.current!.output.data, result.output.data)).toBeGreaterThan(0.1);
  });

  it('a label is a class name or index: label="seven" and label="7" are class 7 of the named copy', async () => {
    const h = fx.harness({ model: 'cnamed', seed: '42', n: '4', label: 'seven' });
    await h.controller.sample();
    const byName = h.controller.current!;
    await expectOrtNode(h, [7, 7, 7, 7]);
    h.attrs.label = '7';
    await h.controller.sample();
    expect(h.controller.current!.detail.classes).toEqual([7, 7, 7, 7]);
    expect(h.controller.current!.grid.pixels).toEqual(byName.grid.pixels);
  });

  it('without a label the classes cycle 0..K-1 across the samples, so a grid shows every class', async () => {
    const h = fx.harness({ model: 'cmnist', seed: '5', n: '12' });
    await h.controller.sample();
    await expectOrtNode(h, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('per-sample classes: sample({ labels }) and setLatents(z, { labels }), indices and names mixed', async () => {
    const h = fx.harness({ model: 'cnamed', seed: '9', n: '3', label: 'one' });
    await h.controller.sample({ labels: ['nine', 2, '4'] });
    await expectOrtNode(h, [9, 2, 4]);
    const z = latents(11, 2);
    const pending = h.controller.setLatents(z, { labels: [5, 'zero'] });
    expect(await pending).toMatchObject({ seed: null, n: 2, classes: [5, 0] });
    await expectOrtNode(h, [5, 0]);
    await h.controller.sample(); // the next request without labels: the label attribute again
    expect(h.controller.current!.detail.classes).toEqual([1, 1, 1]);
  });

  it('layout="per-class": one row per class, the same latents down each column, as onnxruntime-node draws them', async () => {
    const h = fx.harness({ model: 'cmnist', seed: '42', n: '3', layout: 'per-class', columns: '8' });
    const detail = await h.controller.sample();
    const classes = Array.from({ length: 30 }, (_, i) => Math.floor(i / 3));
    const { result, height, width } = await expectOrtNode(h, classes);
    expect(detail).toMatchObject({ seed: 42, n: 30, layout: 'per-class' });
    // 10 rows of 3 columns (columns="8" does not apply), 2 px padding.
    expect([detail.width, detail.height]).toEqual([3 * width + 4 * 2, 10 * height + 11 * 2]);
    const z = latents(42, 3);
    const row = z.length;
    for (let r = 0; r < 10; r++)
      expect(Array.from(result.latents.subarray(r * row, (r + 1) * row))).toEqual(Array.from(z));
    // Row 7 is what label="7" draws for the same seed; rows differ from each other.
    const seven = fx.harness({ model: 'cmnist', seed: '42', n: '3', label: '7' });
    await seven.controller.sample();
    const tile = height * width;
    const rowImages = (r: number) => result.output.data.subarray(r * 3 * tile, (r + 1) * 3 * tile);
    expect(maxDiff(rowImages(7), seven.controller.current!.output.data)).toBeLessThan(1e-5);
    expect(maxDiff(rowImages(0), rowImages(1))).toBeGreaterThan(0.1);

    await h.controller.setLatents(latents(1, 2)); // given latents are the columns too
    expect(h.controller.current!.detail).toMatchObject({ n: 20, width: 2 * width + 3 * 2 });
    await expectOrtNode(
      h,
      Array.from({ length: 20 }, (_, i) => Math.floor(i / 2)),
    );
  });

  it('refuses a class the model does not have, a class for an unconditional model, and a wrong count, keeping the last result', async () => {
    const h = fx.harness({ model: 'cmnist', seed: '2', n: '2', label: '1' });
    await h.controller.sample();
    const good = h.controller.current;
    const failure = (request: () => Promise<unknown>) => expectRefusal(h, good, request);
    const classList = /its classes are 0 “0”, 1 “1”, 2 “2”, .*, 9 “9”/;
    for (const label of ['10', '-1', 'seven', '2.0']) {
      h.attrs.label = label;
      const e = await failure(() => h.controller.sample());
      expect(e.code).toBe('unknown_class');
      expect(e.message).toMatch(new RegExp(`^“${label}” is not a class of model “cmnist”`));
      expect(e.message).toMatch(classList);
      expect(e.hint).toBe('use a class index from 0 to 9 or one of the class names');
    }
    delete h.attrs.label;
    expect(await failure(() => h.controller.sample({ labels: [1, 10] }))).toMatchObject({
      code: 'unknown_class',
    });
    expect(await failure(() => h.controller.sample({ labels: [1] }))).toMatchObject({
      code: 'bad_labels',
      message: '1 labels were passed for 2 samples (n="2")',
    });
    h.attrs.layout = 'per-class';
    h.attrs.n = '26';
    expect(await failure(() => h.controller.sample())).toMatchObject({
      code: 'bad_attribute',
      message: 'layout="per-class" draws 10 classes x 26 latents = 260 samples, more than 256',
    });
    h.attrs.n = '2';
    h.attrs.label = '3';
    expect((await failure(() => h.controller.sample())).message).toMatch(/label="3" cannot apply/);

    h.attrs.model = 'mnist-dcgan'; // unconditional
    expect(await failure(() => h.controller.sample())).toMatchObject({
      code: 'not_conditional',
      message: 'label="3" asks for a class, but model “mnist-dcgan” is not class-conditional',
    });
    delete h.attrs.label;
    expect((await failure(() => h.controller.sample())).message).toMatch(/^layout="per-class" draws one row/);
    delete h.attrs.layout;
    expect((await failure(() => h.controller.sample({ labels: [0, 1] }))).code).toBe('not_conditional');

    await h.controller.sample(); // an unconditional grid as before: no classes, the error cleared
    expect(h.controller.current!.detail).toMatchObject({ model: 'mnist-dcgan', classes: null, n: 2 });
    expect(h.settled.at(-1)).toBeUndefined();
  });
});
