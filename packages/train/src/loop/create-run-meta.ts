import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { BackendInfo } from '@ganforge/backend';
import type { Dataset } from '@ganforge/data';
import type { RunMeta } from '@ganforge/runs';
import type { TrainConfig } from '../config/schema.ts';
import { techniquesOn } from '../techniques/techniques-on.ts';
import pkg from '../../package.json' with { type: 'json' };

/** The meta.json of a fresh run: what runs, on what, with which techniques (the run folder format is @ganforge/runs'). */
export function createRunMeta(args: {
  config: TrainConfig;
  backend: BackendInfo;
  dataset: Dataset;
  totalSteps: number;
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  command?: string | undefined;
}): RunMeta {
  const { config, backend, dataset } = args;
  return {
    format: 'ganforge-run/1',
    name: config.name,
    seed: config.seed,
    backend,
    versions: {
      ganforge: pkg.version,
      node: process.versions.node,
      'tfjs-core': tf.version_core,
      'tfjs-layers': tfl.version_layers,
      [`backend-${backend.name}`]: backend.version,
    },
    techniques: techniquesOn(config),
    dataset: {
      name: dataset.name,
      split: dataset.split,
      size: dataset.size,
      shape: dataset.shape,
      // What G's class input means, for the model card (class-conditional runs only).
      ...(config.conditioning === undefined ? {} : { classes: classNames(dataset) }),
    },
    totalSteps: args.totalSteps,
    parameters: { generator: args.generator.countParams(), discriminator: args.discriminator.countParams() },
    startedAt: new Date().toISOString(),
    ...(args.command === undefined ? {} : { command: args.command }),
    resumes: [],
    status: 'running',
  };
}

/** The dataset's class names by label; '0', '1', ... for labelled data that names none. */
function classNames(dataset: Dataset): string[] {
  return [...(dataset.classNames ?? Array.from({ length: dataset.numClasses ?? 0 }, (_, i) => String(i)))];
}
