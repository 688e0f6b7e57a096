import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { tileGrid } from '@ganforge/core';
import { writeFileAtomic } from './atomic.ts';

/**
 * G(z) for a batch of latents in inference mode (batchnorm moving statistics, no dropout), NHWC in
 * [-1, 1]. A class-conditional G (inputs [z, class]) also takes one class label per latent.
 */
export async function generateImages(
  generator: tfl.LayersModel,
  z: Float32Array,
  latentDim: number,
  labels?: Int32Array,
): Promise<{ images: Float32Array; n: number; height: number; width: number; channels: 1 | 3 }> {
  const n = z.length / latentDim;
  const out = tf.tidy(() => {
    const latents = tf.tensor2d(z, [n, latentDim]);
    const inputs = labels === undefined ? latents : [latents, tf.tensor2d(labels, [n, 1], 'int32')];
    return generator.predict(inputs) as tf.Tensor;
  });
  const [, height = 0, width = 0, channels = 1] = out.shape;
  const images = (await out.data()) as Float32Array;
  out.dispose();
  return { images, n, height, width, channels: channels === 3 ? 3 : 1 };
}

/** How a sample grid is laid out: tileGrid's columns (default ceil(sqrt(n))), and the class of each latent. */
export interface SampleGridOptions {
  /** Class labels, one per latent, for a class-conditional G. */
  readonly labels?: Int32Array | undefined;
  /** Tiles per row. */
  readonly columns?: number | undefined;
}

/** The sample grid of a run: G(fixed z) tiled (2 px borders) into one PNG, written atomically. */
export async function writeSampleGrid(
  generator: tfl.LayersModel,
  z: Float32Array,
  latentDim: number,
  file: string,
  options: SampleGridOptions = {},
): Promise<void> {
  const { images, n, height, width, channels } = await generateImages(generator, z, latentDim, options.labels);
  const grid = tileGrid({
    images,
    n,
    height,
    width,
    channels,
    ...(options.columns === undefined ? {} : { columns: options.columns }),
  });
  const png = await sharp(grid.pixels, { raw: { width: grid.width, height: grid.height, channels: grid.channels } })
    .png()
    .toBuffer();
  writeFileAtomic(file, png);
}
