import type * as tfl from '@tensorflow/tfjs-layers';
import { GanforgeError } from '@ganforge/core';
import type { Dataset } from '@ganforge/data';
import { G_CLASS_EMBEDDING } from '../models/class-conditioning.ts';
import type { TrainConfig } from './schema.ts';

const LABELLED_DATA =
  'mnist, fashion-mnist, idx with a labelsPath, or a folder with one subfolder of images per class';

/** The number of classes G's class embedding was built for (undefined when G is not class-conditional). */
function generatorClasses(generator: tfl.LayersModel): number | undefined {
  const layer = generator.layers.find((l) => l.name === G_CLASS_EMBEDDING);
  const inputDim = layer?.getConfig()['inputDim'];
  return typeof inputDim === 'number' ? inputDim : undefined;
}

/**
 * Checks, before any training, that the dataset fits the config's class conditioning
 * (docs/techniques.md#class-conditioning): a `conditioning` block needs a dataset with labels, and
 * (given built or loaded networks) a G made for the dataset's number of classes. An unconditional
 * config fits any dataset.
 */
export function assertConditioningFits(
  config: TrainConfig,
  dataset: Pick<Dataset, 'name' | 'numClasses' | 'labels'>,
  models?: { generator: tfl.LayersModel },
): void {
  if (config.conditioning === undefined) return;
  if (dataset.labels === undefined || dataset.numClasses === undefined) {
    throw new GanforgeError(
      'bad_config',
      `conditioning: dataset ${dataset.name} has no labels, so there are no classes to condition G and D on`,
      {
        hint: `remove the conditioning block to train unconditionally, or train on labelled data: ${LABELLED_DATA}`,
      },
    );
  }
  if (!models) return;
  const built = generatorClasses(models.generator);
  if (built !== dataset.numClasses) {
    throw new GanforgeError(
      'shape_mismatch',
      built === undefined
        ? 'the config asks for class conditioning but the generator has no class embedding'
        : `generator was built for ${built} classes but dataset ${dataset.name} has ${dataset.numClasses}`,
      { hint: 'train on the data the run was started with' },
    );
  }
}
