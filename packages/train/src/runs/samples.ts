import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { tileGrid } from '@ganforge/core';
import { writeFileAtomic } from './atomic.ts';

/** G(z) for a batch of latents in inference mode (batchnorm moving statistics, no dropout), NHWC in [-1, 1]. */
export async function generateImages(
  generator: tfl.LayersModel,
  z: Float32Array,
  latentDim: number,
): Promise<{ images: Float32Array; n: number; height: number; width: number; channels: 1 | 3 }> {
  const n = z.length / latentDim;
  const out = tf.tidy(() => generator.predict(tf.tensor2d(z, [n, latentDim])) as tf.Tensor);
  const [, height = 0, width = 0, channels = 1] = out.shape;
  const images = (await out.data()) as Float32Array;
  out.dispose();
  return { images, n, height, width, channels: channels === 3 ? 3 : 1 };
}

/** The sample grid of a run: G(fixed z) tiled (2 px borders) into one PNG, written atomically. */
export async function writeSampleGrid(
  generator: tfl.LayersModel,
  z: Float32Array,
  latentDim: number,
  file: string,
): Promise<void> {
  const { images, n, height, width, channels } = await generateImages(generator, z, latentDim);
  const grid = tileGrid({ images, n, height, width, channels });
  const png = await sharp(grid.pixels, { raw: { width: grid.width, height: grid.height, channels: grid.channels } })
    .png()
    .toBuffer();
  writeFileAtomic(file, png);
}
