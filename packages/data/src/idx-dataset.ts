import { GanforgeError } from '@ganforge/core';
import type { Dataset, ImageShape } from './dataset.ts';
import type { IdxArray } from './idx.ts';
import { datasetOverPixels } from './normalize.ts';

/** Where an IDX dataset came from, for its name and for error messages. */
export interface IdxSource {
  readonly name: string;
  readonly split: 'train' | 'test';
  readonly imagesFile: string;
  readonly labelsFile?: string | undefined;
  /** Keep only the first `limit` examples. */
  readonly limit?: number | undefined;
  /** Known number of classes; otherwise classNames.length, or else max label + 1. */
  readonly numClasses?: number | undefined;
  /** The classes' names by label (MNIST's digits, Fashion-MNIST's garments); otherwise '0', '1', ... */
  readonly classNames?: readonly string[] | undefined;
}

function imageShape(images: IdxArray, file: string): ImageShape {
  const [, height, width, channels = 1] = images.dims;
  if (images.dims.length < 3 || images.dims.length > 4 || height === undefined || width === undefined) {
    throw new GanforgeError(
      'dataset_corrupt',
      `IDX file ${file}: expected images with dims [n, height, width] or [n, height, width, channels], got [${images.dims.join(', ')}]`,
      { hint: 'pass an IDX file of images as the dataset path' },
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new GanforgeError(
      'dataset_corrupt',
      `IDX file ${file}: expected 1 or 3 channels, got ${channels}`,
      { hint: 'only grayscale and RGB images are supported' },
    );
  }
  return { height, width, channels };
}

/** Turns parsed IDX images (and labels) into a Dataset: checks counts, applies `limit`, normalizes. */
export function idxToDataset(images: IdxArray, labels: IdxArray | undefined, source: IdxSource): Dataset {
  const shape = imageShape(images, source.imagesFile);
  const total = images.dims[0] as number;
  if (labels !== undefined) {
    const labelsFile = source.labelsFile ?? 'labels';
    if (labels.dims.length !== 1) {
      throw new GanforgeError(
        'dataset_corrupt',
        `IDX file ${labelsFile}: expected labels with dims [n], got [${labels.dims.join(', ')}]`,
        { hint: 'pass an IDX file of labels (one byte per example) as labelsPath' },
      );
    }
    if (labels.dims[0] !== total) {
      throw new GanforgeError(
        'dataset_corrupt',
        `image/label count mismatch: ${source.imagesFile} has ${total} images but ${labelsFile} has ${labels.dims[0]} labels`,
        { hint: 'pass the labels file that belongs to these images' },
      );
    }
  }
  const size = Math.min(total, source.limit ?? total);
  const perImage = shape.height * shape.width * shape.channels;
  const pixels = images.data.subarray(0, size * perImage);
  let labelArray: Int32Array | undefined;
  let numClasses: number | undefined;
  let classNames: readonly string[] | undefined;
  if (labels !== undefined) {
    labelArray = Int32Array.from(labels.data.subarray(0, size));
    let max = -1;
    for (const label of labels.data) max = Math.max(max, label);
    numClasses = source.classNames?.length ?? source.numClasses ?? max + 1;
    if (max >= numClasses) {
      throw new GanforgeError(
        'dataset_corrupt',
        `IDX file ${source.labelsFile ?? 'labels'}: label ${max} out of range 0..${numClasses - 1}`,
        { hint: 'the labels file is damaged or belongs to another dataset' },
      );
    }
    classNames = source.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i));
  }
  return datasetOverPixels(
    {
      name: source.name,
      split: source.split,
      size,
      shape,
      numClasses,
      classNames,
      labels: labelArray,
    },
    pixels,
  );
}
