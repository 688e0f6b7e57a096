import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '@ganforge/data';
import type { TrainConfig } from '../config/schema.ts';
import { getLoss, type GanLoss } from '../losses/index.ts';
import {
  buildDiscriminator,
  buildGenerator,
  discriminatorFeatures,
  unfuseUnderGradients,
  type ClassConditioning,
} from '../models/index.ts';
import { modelVariables, type ModelVariables } from './forward.ts';
import { createOptimizer } from './optimizers.ts';

/** Everything a step needs that lives for the whole run. */
export interface GanSetup {
  readonly config: TrainConfig;
  readonly generator: tfl.LayersModel;
  readonly discriminator: tfl.LayersModel;
  readonly gVars: ModelVariables;
  readonly dVars: ModelVariables;
  readonly gOptimizer: tf.Optimizer;
  readonly dOptimizer: tf.Optimizer;
  readonly loss: GanLoss;
  /** D up to its penultimate layer, when moment matching uses D's features (it takes D's inputs). */
  readonly featureModel: tfl.LayersModel | undefined;
  readonly totalSteps: number;
}

/**
 * Optimizers, variable lists, loss and feature model for a G/D pair: what trainStep needs. The two
 * networks' linear Conv2D and Dense layers are set to run unfused under gradients, so a step computes
 * only the gradients it trains with (models/unfused-under-gradients.ts).
 */
export function createGanSetup(
  config: TrainConfig,
  generator: tfl.LayersModel,
  discriminator: tfl.LayersModel,
  totalSteps: number,
): GanSetup {
  const mm = config.techniques.momentMatching;
  unfuseUnderGradients(generator);
  unfuseUnderGradients(discriminator);
  return {
    config,
    generator,
    discriminator,
    gVars: modelVariables(generator),
    dVars: modelVariables(discriminator),
    gOptimizer: createOptimizer(config.optimizers.g),
    dOptimizer: createOptimizer(config.optimizers.d),
    loss: getLoss(config.loss),
    featureModel:
      mm.enabled && mm.features === 'discriminator' ? discriminatorFeatures(discriminator) : undefined,
    totalSteps,
  };
}

/**
 * The class conditioning of a config's networks, with the dataset's number of classes; undefined for an
 * unconditional config. A conditional config needs the number (config/conditioning-fits.ts checks the data).
 */
export function classConditioning(
  config: TrainConfig,
  numClasses: number | undefined,
): ClassConditioning | undefined {
  if (config.conditioning === undefined) return undefined;
  if (numClasses === undefined)
    throw new Error('internal: a class-conditional GAN needs the number of classes');
  return { config: config.conditioning, numClasses };
}

/**
 * Fresh G and D for a config and image shape, seeded as every run seeds them (G: seed, D: seed + 1);
 * class-conditional on `numClasses` classes when the config has a conditioning block.
 */
export function buildGan(
  config: TrainConfig,
  shape: Dataset['shape'],
  numClasses?: number,
): { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  const conditioning = classConditioning(config, numClasses);
  const cond = conditioning === undefined ? {} : { conditioning };
  return {
    generator: buildGenerator(config.generator, {
      latentDim: config.latent.dim,
      shape,
      seed: config.seed,
      ...cond,
    }),
    discriminator: buildDiscriminator(config.discriminator, { shape, seed: config.seed + 1, ...cond }),
  };
}

/**
 * Frees what createGanSetup made and the two networks. The feature model is D's own layers (it has
 * no weights of its own): disposing D frees them, and disposing it as well would dispose them twice.
 */
export function disposeGanSetup(setup: GanSetup): void {
  setup.gOptimizer.dispose();
  setup.dOptimizer.dispose();
  setup.generator.dispose();
  setup.discriminator.dispose();
}
