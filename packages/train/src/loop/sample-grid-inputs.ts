import { sampleLatents } from '@ganforge/core';
import type { TrainConfig } from '../config/schema.ts';

/** How a run's sample grids are laid out: n tiles, `columns` per row (tileGrid's and untileGrid's layout). */
export interface SampleGridLayout {
  readonly n: number;
  readonly columns: number;
}

/** The fixed inputs of a run's sample grids, the same at every step and on resume. */
export interface SampleGridInputs extends SampleGridLayout {
  /** n latents of latent.dim, row by row. */
  readonly z: Float32Array;
  /** The class of each tile (class-conditional runs), else undefined. */
  readonly labels: Int32Array | undefined;
}

/**
 * The layout of a run's sample grids: gridSize x gridSize tiles, or for a class-conditional run one row
 * per class with gridSize columns (docs/techniques.md#class-conditioning).
 */
export function sampleGridLayout(config: TrainConfig, numClasses: number | undefined): SampleGridLayout {
  const columns = config.logging.gridSize;
  if (config.conditioning === undefined) return { n: columns * columns, columns };
  if (numClasses === undefined)
    throw new Error('internal: a class-conditional grid needs the number of classes');
  return { n: numClasses * columns, columns };
}

/**
 * The fixed z (from the run's seed) and classes of the sample grids. Unconditional: gridSize² latents.
 * Class-conditional: gridSize latents, repeated in every row, row r of class r, so each column shows one z
 * across the classes and each row one class across the z.
 */
export function sampleGridInputs(config: TrainConfig, numClasses: number | undefined): SampleGridInputs {
  const layout = sampleGridLayout(config, numClasses);
  const { dim, distribution } = config.latent;
  const perRow = config.conditioning === undefined ? layout.n : layout.columns;
  const latents = sampleLatents({ seed: config.seed, n: perRow, latentDim: dim, distribution });
  if (config.conditioning === undefined) return { ...layout, z: latents, labels: undefined };
  const rows = layout.n / layout.columns;
  const z = new Float32Array(layout.n * dim);
  const labels = new Int32Array(layout.n);
  for (let r = 0; r < rows; r++) {
    z.set(latents, r * layout.columns * dim);
    labels.fill(r, r * layout.columns, (r + 1) * layout.columns);
  }
  return { ...layout, z, labels };
}
