import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import type { Dataset } from './dataset.ts';
import { lecunFiles, loadIdxPair } from './idx-pair.ts';

/** Where Debian's `dataset-fashion-mnist` package puts the gzipped IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's classes by label, as Zalando names them (github.com/zalandoresearch/fashion-mnist). */
export const FASHION_MNIST_CLASSES: readonly string[] = [
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
];

export interface FashionMnistOptions {
  readonly split?: 'train' | 'test' | undefined;
  /** Keep only the first `limit` examples. */
  readonly limit?: number | undefined;
  /** Folder with the four IDX files (gzipped or not); default FASHION_MNIST_DIR. */
  readonly path?: string | undefined;
}

/**
 * Fashion-MNIST (Zalando; 60,000 train / 10,000 test clothing images, 28x28x1, labels 0..9),
 * from `<path>/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`.
 */
export async function loadFashionMnist(options: FashionMnistOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'train';
  const dir = options.path ?? FASHION_MNIST_DIR;
  const files = lecunFiles(dir, split);
  for (const file of [files.images, files.labels]) {
    if (!existsSync(file)) {
      const where = existsSync(dir)
        ? `${basename(file)}(.gz) is missing in ${dir}`
        : `folder ${dir} does not exist`;
      throw new GanforgeError('dataset_not_found', `Fashion-MNIST not found: ${where}`, {
        hint: 'install it with: apt-get install dataset-fashion-mnist, or pass the folder holding its IDX files as path',
      });
    }
  }
  return loadIdxPair({
    imagesPath: files.images,
    labelsPath: files.labels,
    split,
    limit: options.limit,
    name: 'fashion-mnist',
    classNames: FASHION_MNIST_CLASSES,
  });
}
