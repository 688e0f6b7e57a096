import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { FASHION_MNIST_DIR, loadFashionMnist } from './fashion-mnist.ts';
import { lecunFiles } from './idx-pair.ts';
import { expectMnistLike } from './testing/mnist-like.ts';
import { loadDataset } from './spec.ts';

const installed = existsSync(FASHION_MNIST_DIR);
const flag = process.env.GANFORGE_REQUIRE_SYSTEM_DEPS;
const required = flag !== undefined && flag !== '' && flag !== '0';
const realTitle = installed
  ? `Fashion-MNIST from Debian dataset-fashion-mnist (real files in ${FASHION_MNIST_DIR})`
  : `Fashion-MNIST real files — SKIPPED: ${FASHION_MNIST_DIR} is missing (apt-get install dataset-fashion-mnist; set GANFORGE_REQUIRE_SYSTEM_DEPS=1 to fail instead)`;

describe.skipIf(!installed && !required)(realTitle, () => {
  it('ships gzipped IDX files under the original names', () => {
    const files = lecunFiles(FASHION_MNIST_DIR, 'train');
    expect(files.images).toBe(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
    expect(files.labels).toBe(join(FASHION_MNIST_DIR, 'train-labels-idx1-ubyte.gz'));
  });

  it('train: 60,000 28x28x1 images in [-1, 1], labels 0..9, all classes', async () => {
    const ds = await loadFashionMnist({ split: 'train' });
    expect(ds.name).toBe('fashion-mnist');
    expectMnistLike(ds, 60_000, lecunFiles(FASHION_MNIST_DIR, 'train').images);
    // The first training example is an ankle boot (9), then two T-shirts (0).
    expect(Array.from(ds.labels?.subarray(0, 5) ?? [])).toEqual([9, 0, 0, 3, 0]);
  });

  it('test: 10,000 images, the same checks', async () => {
    const ds = await loadDataset({ kind: 'fashion-mnist', split: 'test' });
    expect(ds.split).toBe('test');
    expectMnistLike(ds, 10_000, lecunFiles(FASHION_MNIST_DIR, 'test').images);
    expect(Array.from(ds.labels?.subarray(0, 5) ?? [])).toEqual([9, 2, 1, 1, 6]);
  });
});

describe('Fashion-MNIST location', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ganforge-fashion-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the apt package when the folder is absent', async () => {
    const missing = join(dir, 'not-here');
    const error = await loadFashionMnist({ path: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanforgeError);
    const e = error as GanforgeError;
    expect(e.code).toBe('dataset_not_found');
    expect(e.message).toBe(`Fashion-MNIST not found: folder ${missing} does not exist`);
    expect(e.hint).toContain('apt-get install dataset-fashion-mnist');
  });

  it('names the missing file when the folder is incomplete', async () => {
    const partial = join(dir, 'partial');
    mkdirSync(partial);
    const error = await loadFashionMnist({ path: partial, split: 'test' }).catch((e: unknown) => e);
    expect((error as GanforgeError).message).toBe(
      `Fashion-MNIST not found: t10k-images-idx3-ubyte(.gz) is missing in ${partial}`,
    );
    expect((error as GanforgeError).hint).toContain('apt-get install dataset-fashion-mnist');
  });

  it('reads from a configured path, gzipped or plain', async () => {
    const custom = join(dir, 'custom');
    mkdirSync(custom);
    const header = (dims: number[]): number[] => [
      0,
      0,
      8,
      dims.length,
      ...dims.flatMap((d) => [d >>> 24, (d >>> 16) & 255, (d >>> 8) & 255, d & 255]),
    ];
    const images = Uint8Array.from([...header([2, 28, 28]), ...new Array<number>(2 * 784).fill(255)]);
    writeFileSync(join(custom, 't10k-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(custom, 't10k-labels-idx1-ubyte'), Uint8Array.from([...header([2]), 4, 7]));
    const ds = await loadDataset({ kind: 'fashion-mnist', split: 'test', path: custom });
    expect(ds.size).toBe(2);
    expect(ds.images.every((v) => v === 1)).toBe(true);
    expect(Array.from(ds.labels ?? [])).toEqual([4, 7]);
    expect(ds.numClasses).toBe(10);
  });
});
