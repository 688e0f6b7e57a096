import sharp from 'sharp';
import type { ImageShape } from '@ganforge/data';
import type { SampleBatch } from './types.ts';

export interface GridLayout {
  /** Images in the grid (gridSize^2 for the run's sample grids). */
  readonly n: number;
  readonly shape: ImageShape;
  /** tileGrid's defaults: ceil(sqrt(n)) columns, 2 px padding around and between tiles. */
  readonly columns?: number | undefined;
  readonly padding?: number | undefined;
}

/**
 * The inverse of core's tileGrid: cuts a grid's pixels (uint8, channels as in the layout) back into
 * n NHWC images in [-1, 1]. Pure.
 */
export function untileGrid(pixels: Uint8Array, gridWidth: number, layout: GridLayout): Float32Array {
  const { n, shape } = layout;
  const { height, width, channels } = shape;
  const columns = Math.min(layout.columns ?? Math.ceil(Math.sqrt(n)), n);
  const padding = layout.padding ?? 2;
  const out = new Float32Array(n * height * width * channels);
  for (let i = 0; i < n; i++) {
    const x0 = padding + (i % columns) * (width + padding);
    const y0 = padding + Math.floor(i / columns) * (height + padding);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < channels; c++) {
          const v = pixels[((y0 + y) * gridWidth + x0 + x) * channels + c] as number;
          out[((i * height + y) * width + x) * channels + c] = v / 127.5 - 1;
        }
      }
    }
  }
  return out;
}

/** Reads a run's sample grid PNG (samples/step-*.png) back into the batch G(fixed z) it shows. */
export async function readSampleGrid(file: string, layout: GridLayout): Promise<SampleBatch> {
  const { data, info } = await sharp(file)
    .toColourspace(layout.shape.channels === 1 ? 'b-w' : 'srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== layout.shape.channels) {
    throw new Error(`sample grid ${file} has ${info.channels} channels, expected ${layout.shape.channels}`);
  }
  return {
    data: untileGrid(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), info.width, layout),
    n: layout.n,
  };
}
