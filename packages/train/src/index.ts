/**
 * @ganforge/train: datasets, backends, GAN models, losses, stabilization techniques, the training
 * loop, run directories and checkpoints.
 */
export * from './data/index.ts';
export * from './backend/index.ts';
export * from './models/index.ts';
export * from './losses/index.ts';
export * from './techniques/index.ts';
export * from './config/index.ts';
export * from './loop/index.ts';
export * from './runs/index.ts';
export * from './diagnostics/index.ts';
