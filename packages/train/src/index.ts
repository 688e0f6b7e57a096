/**
 * @ganforge/train: GAN models, losses, stabilization techniques, the config schema, the training loop
 * and the failure detectors. Datasets are @ganforge/data, tfjs backends @ganforge/backend, and the run
 * folder a training run writes (meta, logs, checkpoints, sample grids) @ganforge/runs.
 */
export * from './models/index.ts';
export * from './losses/index.ts';
export * from './techniques/index.ts';
export * from './config/index.ts';
export * from './loop/index.ts';
export * from './diagnostics/index.ts';
