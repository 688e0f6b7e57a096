import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { FASHION_MNIST_CLASSES } from './fashion-mnist.ts';
import { loadImageFolder } from './folder.ts';
import { loadIdxPair } from './idx-pair.ts';
import { MNIST_CLASSES } from './mnist.ts';
import { loadDataset } from './spec.ts';

/** Class names of every labelled source: what a class-conditional run records and samples by. */

const root = mkdtempSync(join(tmpdir(), 'ganforge-classes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An IDX header (ubyte) for `dims`. */
function header(dims: number[]): number[] {
  return [
    0,
    0,
    8,
    dims.length,
    ...dims.flatMap((d) => [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]),
  ];
}

/** Writes n 28x28 images of one gray level and their labels as IDX files in `dir`, MNIST-named. */
function writeIdx(dir: string, prefix: 'train' | 't10k', labels: number[]): void {
  mkdirSync(dir, { recursive: true });
  const n = labels.length;
  const images = Uint8Array.from([...header([n, 28, 28]), ...new Array<number>(n * 784).fill(128)]);
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), images);
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), Uint8Array.from([...header([n]), ...labels]));
}

/** A solid 6x6 PNG of one colour. */
async function png(file: string, r: number, g: number, b: number): Promise<void> {
  await sharp({ create: { width: 6, height: 6, channels: 3, background: { r, g, b } } })
    .png()
    .toFile(file);
}

const classFolder = join(root, 'pets');
const flatFolder = join(root, 'flat');

beforeAll(async () => {
  // pets/: one subfolder per class (created out of name order), plus ignored hidden entries.
  for (const [cls, files] of [
    ['dog', ['b.png', 'a.png']],
    ['cat', ['z.png']],
    ['emu', ['m.png', 'n.png', 'o.png']],
  ] as const) {
    mkdirSync(join(classFolder, cls), { recursive: true });
    for (const f of files)
      await png(join(classFolder, cls, f), cls === 'cat' ? 255 : 0, 0, cls === 'emu' ? 255 : 0);
  }
  mkdirSync(join(classFolder, '.cache'));
  writeFileSync(join(classFolder, 'README.txt'), 'not an image');
  // flat/: loose images next to a subfolder: unlabelled, as before.
  mkdirSync(join(flatFolder, 'extra'), { recursive: true });
  await png(join(flatFolder, 'one.png'), 255, 255, 255);
  await png(join(flatFolder, 'extra', 'two.png'), 0, 0, 0);
});

describe('class names', () => {
  it("MNIST: the digits '0'..'9'", async () => {
    const ds = await loadDataset({ kind: 'mnist', split: 'test', limit: 32 });
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(MNIST_CLASSES).toEqual(ds.classNames);
  });

  it("Fashion-MNIST: Zalando's ten garment names, by label", async () => {
    const dir = join(root, 'fashion');
    writeIdx(dir, 't10k', [9, 0, 3]);
    const ds = await loadDataset({ kind: 'fashion-mnist', split: 'test', path: dir });
    expect(ds.numClasses).toBe(10);
    expect(ds.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(FASHION_MNIST_CLASSES).toEqual(ds.classNames);
    expect(ds.classNames?.[ds.labels?.[0] ?? -1]).toBe('Ankle boot');
  });

  it("IDX with a labels file: '0'..max label, also under a limit; without one: none", async () => {
    const dir = join(root, 'idx');
    writeIdx(dir, 'train', [2, 0, 4, 1]);
    const images = join(dir, 'train-images-idx3-ubyte');
    const labelled = await loadIdxPair({
      imagesPath: images,
      labelsPath: join(dir, 'train-labels-idx1-ubyte'),
      limit: 2,
    });
    expect(labelled.numClasses).toBe(5);
    expect(labelled.classNames).toEqual(['0', '1', '2', '3', '4']);
    const unlabelled = await loadDataset({ kind: 'idx', path: images });
    expect(unlabelled.labels).toBeUndefined();
    expect(unlabelled.classNames).toBeUndefined();
  });

  it('a folder of class subfolders: classes = subfolder names sorted, examples class by class', async () => {
    const ds = await loadImageFolder({ path: classFolder, size: 4, channels: 3 });
    expect(ds.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(ds.numClasses).toBe(3);
    expect(ds.size).toBe(6);
    expect(Array.from(ds.labels ?? [])).toEqual([0, 1, 1, 2, 2, 2]);
    // cat is red, dog black, emu blue
    const first = (i: number) => Array.from(ds.images.subarray(i * 48, i * 48 + 3));
    expect([first(0), first(1), first(5)]).toEqual([
      [1, -1, -1],
      [-1, -1, -1],
      [-1, -1, 1],
    ]);
    // limit keeps the first examples in that order; the classes stay all of the folder's
    const limited = await loadDataset({ kind: 'folder', path: classFolder, size: 4, limit: 2 });
    expect(Array.from(limited.labels ?? [])).toEqual([0, 1]);
    expect(limited.classNames).toEqual(['cat', 'dog', 'emu']);
  });

  it('a folder with loose images stays unlabelled (its subfolders ignored)', async () => {
    const ds = await loadImageFolder({ path: flatFolder, size: 4 });
    expect(ds.size).toBe(1);
    expect(ds.labels).toBeUndefined();
    expect(ds.numClasses).toBeUndefined();
    expect(ds.classNames).toBeUndefined();
  });

  it('an empty class folder is an error naming it', async () => {
    const dir = join(root, 'holes');
    mkdirSync(join(dir, 'a'), { recursive: true });
    mkdirSync(join(dir, 'b'));
    await png(join(dir, 'a', 'x.png'), 0, 0, 0);
    writeFileSync(join(dir, 'b', 'notes.txt'), 'nothing');
    const error = await loadImageFolder({ path: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanforgeError);
    expect((error as GanforgeError).code).toBe('dataset_empty');
    expect((error as GanforgeError).message).toBe(
      `class folder ${join(dir, 'b')} has no images (looked for .png, .jpg, .jpeg, .webp)`,
    );
  });
});
