import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset } from './dataset.ts';
import { readIdxFile } from './idx.ts';
import { idxToDataset } from './idx-dataset.ts';

export interface IdxPairOptions {
  /** IDX file of images, dims [n, h, w] or [n, h, w, c], ubyte, gzipped or not. */
  readonly imagesPath: string;
  /** Optional IDX file of labels, dims [n], ubyte, gzipped or not. */
  readonly labelsPath?: string | undefined;
  readonly split?: 'train' | 'test' | undefined;
  /** Keep only the first `limit` examples. */
  readonly limit?: number | undefined;
  /** Dataset name; default `idx:<imagesPath>`. */
  readonly name?: string | undefined;
  /** Known number of classes; default classNames.length, or else max label + 1. */
  readonly numClasses?: number | undefined;
  /** The classes' names by label; default '0', '1', ... up to the number of classes. */
  readonly classNames?: readonly string[] | undefined;
}

/** Any IDX images file, with an optional labels file, as a Dataset. */
export async function loadIdxPair(options: IdxPairOptions): Promise<Dataset> {
  const [images, labels] = await Promise.all([
    readIdxFile(options.imagesPath),
    options.labelsPath === undefined ? undefined : readIdxFile(options.labelsPath),
  ]);
  return idxToDataset(images, labels, {
    name: options.name ?? `idx:${options.imagesPath}`,
    split: options.split ?? 'train',
    imagesFile: options.imagesPath,
    labelsFile: options.labelsPath,
    limit: options.limit,
    numClasses: options.numClasses,
    classNames: options.classNames,
  });
}

/** The original MNIST file names, as also used by Fashion-MNIST. */
export interface LecunFiles {
  readonly images: string;
  readonly labels: string;
}

/**
 * Paths of the images and labels files of `split` in `dir`, named as in the original MNIST
 * distribution (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, ...). The gzipped name
 * (`.gz`) is used when that file exists, the plain name otherwise.
 */
export function lecunFiles(dir: string, split: 'train' | 'test'): LecunFiles {
  const prefix = split === 'train' ? 'train' : 't10k';
  const pick = (base: string): string => {
    const gz = join(dir, `${base}.gz`);
    return existsSync(gz) ? gz : join(dir, base);
  };
  return {
    images: pick(`${prefix}-images-idx3-ubyte`),
    labels: pick(`${prefix}-labels-idx1-ubyte`),
  };
}
