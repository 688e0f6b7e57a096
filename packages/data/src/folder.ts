import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { GanforgeError } from '@ganforge/core';
import type { Dataset } from './dataset.ts';
import { datasetOverPixels } from './normalize.ts';
import { datasetReadError } from './read-error.ts';

/** File extensions read as images (case-insensitive). Other files are ignored. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];

/** Default side length of the square images a folder is resized to (the MNIST size). */
export const FOLDER_DEFAULT_SIZE = 28;
/** Default channels of a folder dataset: RGB. */
export const FOLDER_DEFAULT_CHANNELS = 3;

export interface ImageFolderOptions {
  /** The folder; its PNG/JPEG/WebP files (not subfolders) are the examples. */
  readonly path: string;
  /** Side of the square output images; default FOLDER_DEFAULT_SIZE. */
  readonly size?: number | undefined;
  /** 1 = grayscale, 3 = RGB; default FOLDER_DEFAULT_CHANNELS. */
  readonly channels?: 1 | 3 | undefined;
  /** Keep only the first `limit` images (in file name order). */
  readonly limit?: number | undefined;
  readonly split?: 'train' | 'test' | undefined;
}

/** Images decoded at once; sharp spreads each decode over its own thread pool. */
const CONCURRENCY = 4;

/**
 * The image files of a folder, sorted by name (code-point order, so the same on every machine).
 * Files with other extensions, hidden files and subfolders are ignored.
 */
export async function listImageFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw datasetReadError(
      e,
      `image folder ${dir}`,
      'pass a folder of PNG/JPEG/WebP images as the dataset path',
    );
  }
  return entries
    .filter(
      (entry) =>
        entry.isFile() &&
        !entry.name.startsWith('.') &&
        IMAGE_EXTENSIONS.includes(extname(entry.name).toLowerCase()),
    )
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Decodes one image to `size` x `size` x `channels` 8-bit pixels: EXIF orientation applied,
 * transparency flattened onto black, center-cropped to a square ('cover') and resized.
 */
export async function decodeImage(file: string, size: number, channels: 1 | 3): Promise<Uint8Array> {
  try {
    let pipeline = sharp(file, { failOn: 'error' })
      .autoOrient()
      .flatten({ background: '#000000' })
      .resize(size, size, { fit: 'cover', position: 'centre' });
    pipeline = channels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== size || info.height !== size) {
      throw new Error(
        `decoded to ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x${channels}`,
      );
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (e) {
    throw new GanforgeError('dataset_corrupt', `image ${file} cannot be decoded: ${(e as Error).message}`, {
      hint: 'remove or replace the damaged file',
      cause: e,
    });
  }
}

/**
 * The subfolders of a folder (hidden ones excluded), sorted by name (code-point order): the classes of
 * a folder laid out as one subfolder of images per class.
 */
export async function listClassFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The examples of an image folder in order: image files, and their labels and class names when labelled. */
interface FolderExamples {
  readonly files: string[];
  readonly labels: Int32Array | undefined;
  readonly classNames: string[] | undefined;
}

/** The `dataset_empty` error for a folder (`where`, e.g. "image folder x") without any image file. */
function noImages(where: string, hint: string): GanforgeError {
  const looked = IMAGE_EXTENSIONS.join(', ');
  return new GanforgeError('dataset_empty', `${where} has no images (looked for ${looked})`, { hint });
}

/**
 * The images directly in the folder, in name order, without labels; or, when it has none but has
 * subfolders, one class per subfolder: the subfolders sorted by name are the classes (label = index),
 * and the examples are class by class, each in file name order.
 */
async function folderExamples(dir: string): Promise<FolderExamples> {
  const names = await listImageFiles(dir);
  if (names.length > 0)
    return { files: names.map((name) => join(dir, name)), labels: undefined, classNames: undefined };
  const classNames = await listClassFolders(dir);
  if (classNames.length === 0) {
    throw noImages(
      `image folder ${dir}`,
      'put PNG, JPEG or WebP files directly in that folder, or one subfolder of them per class',
    );
  }
  const files: string[] = [];
  const labels: number[] = [];
  for (const [label, name] of classNames.entries()) {
    const classDir = join(dir, name);
    const inClass = await listImageFiles(classDir);
    if (inClass.length === 0) {
      throw noImages(
        `class folder ${classDir}`,
        'every subfolder of a labelled image folder is a class: put its images in it, or remove it',
      );
    }
    for (const file of inClass) {
      files.push(join(classDir, file));
      labels.push(label);
    }
  }
  return { files, labels: Int32Array.from(labels), classNames };
}

/**
 * A folder of PNG/JPEG/WebP images as a Dataset, in file name order: unlabelled when the images lie
 * directly in the folder (its subfolders are then ignored); labelled when it holds only subfolders,
 * one per class (classNames = the subfolder names, sorted; examples class by class, so `limit` keeps
 * the first classes first). An empty folder (or class folder) and any undecodable image are errors
 * naming the path.
 */
export async function loadImageFolder(options: ImageFolderOptions): Promise<Dataset> {
  const size = options.size ?? FOLDER_DEFAULT_SIZE;
  const channels = options.channels ?? FOLDER_DEFAULT_CHANNELS;
  const examples = await folderExamples(options.path);
  const chosen = examples.files.slice(0, options.limit ?? examples.files.length);
  const perImage = size * size * channels;
  const pixels = new Uint8Array(chosen.length * perImage);
  // A few decodes in flight; on failure, stop taking new files and report the first bad file
  // in name order among those tried.
  const failures = new Map<number, unknown>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < chosen.length && failures.size === 0) {
      const i = next++;
      try {
        const decoded = await decodeImage(chosen[i] as string, size, channels);
        pixels.set(decoded, i * perImage);
      } catch (e) {
        failures.set(i, e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, chosen.length) }, worker));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return datasetOverPixels(
    {
      name: `folder:${options.path}`,
      split: options.split ?? 'train',
      size: chosen.length,
      shape: { height: size, width: size, channels },
      numClasses: examples.classNames?.length,
      classNames: examples.classNames,
      labels: examples.labels?.slice(0, chosen.length),
    },
    pixels,
  );
}
