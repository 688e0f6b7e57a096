import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { Dataset } from '@ganforge/data';
import { dcganPlan } from '../models/shapes.ts';
import type { TrainConfig } from './schema.ts';

function describe(shape: readonly (number | null)[]): string {
  return shape.slice(1).join('x');
}

/**
 * Checks, before any training, that the dataset fits the config: the batch fits in the dataset,
 * a dcgan network supports the image size, and (given built or loaded models) G makes images of
 * the dataset's shape from z of latent.dim and D takes them.
 */
export function assertShapeFits(
  config: TrainConfig,
  dataset: Pick<Dataset, 'name' | 'size' | 'shape'>,
  models?: { generator: tfl.LayersModel; discriminator: tfl.LayersModel },
): void {
  const { height, width, channels } = dataset.shape;
  if (config.batchSize > dataset.size) {
    throw new GanforgeError(
      'bad_config',
      `batchSize ${config.batchSize} is larger than dataset ${dataset.name} (${dataset.size} examples)`,
      { hint: `set batchSize to at most ${dataset.size}, or raise dataset.limit` },
    );
  }
  if (config.generator.kind === 'dcgan') dcganPlan(dataset.shape, 'generator');
  if (config.discriminator.kind === 'dcgan') dcganPlan(dataset.shape, 'discriminator');
  if (!models) return;
  const want = `${height}x${width}x${channels}`;
  const gIn = models.generator.inputs[0]?.shape ?? [];
  const gOut = models.generator.outputs[0]?.shape ?? [];
  const dIn = models.discriminator.inputs[0]?.shape ?? [];
  if (gIn[1] !== config.latent.dim) {
    throw new GanforgeError(
      'shape_mismatch',
      `generator takes z of size ${String(gIn[1])} but latent.dim is ${config.latent.dim}`,
      {
        hint: 'use the latent.dim the generator was built with',
      },
    );
  }
  if (describe(gOut) !== want) {
    throw new GanforgeError(
      'shape_mismatch',
      `generator makes ${describe(gOut)} images but dataset ${dataset.name} has ${want}`,
      {
        hint: 'train on data of the shape the generator was built for',
      },
    );
  }
  if (describe(dIn) !== want) {
    throw new GanforgeError(
      'shape_mismatch',
      `discriminator takes ${describe(dIn)} images but dataset ${dataset.name} has ${want}`,
      {
        hint: 'train on data of the shape the discriminator was built for',
      },
    );
  }
}
