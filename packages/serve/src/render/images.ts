import { tileGrid, toUint8Pixels } from '@ganforge/core';
import sharp from 'sharp';

/** A batch of generated images, NHWC float32 in [-1, 1]. */
export interface ImageBatch {
  readonly data: Float32Array;
  readonly n: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
}

export type StillFormat = 'png' | 'webp';

/** Tiles the batch into one grid and encodes it (PNG lossless; WebP lossless too, so pixels survive). */
export async function encodeGrid(
  batch: ImageBatch,
  format: StillFormat,
  grid: { columns?: number; padding?: number } = {},
): Promise<Buffer> {
  const columns = grid.columns ?? Math.ceil(Math.sqrt(batch.n));
  const tiled = tileGrid({
    images: toUint8Pixels(batch.data),
    n: batch.n,
    height: batch.height,
    width: batch.width,
    channels: batch.channels,
    columns: Math.min(columns, batch.n),
    padding: grid.padding ?? 2,
  });
  const img = sharp(Buffer.from(tiled.pixels.buffer, tiled.pixels.byteOffset, tiled.pixels.byteLength), {
    raw: { width: tiled.width, height: tiled.height, channels: tiled.channels },
  });
  // Keep grayscale as one channel (sharp would otherwise widen it to RGB).
  const out = tiled.channels === 1 ? img.toColourspace('b-w') : img;
  return format === 'png' ? out.png().toBuffer() : out.webp({ lossless: true }).toBuffer();
}

export type AnimationFormat = 'gif' | 'webp';

/** Frames (each one image of the batch) as an animated GIF or WebP. */
export async function encodeAnimation(
  batch: ImageBatch,
  format: AnimationFormat,
  options: { delayMs: number; loop: boolean },
): Promise<Buffer> {
  const pixels = toUint8Pixels(batch.data);
  const img = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), {
    raw: {
      width: batch.width,
      height: batch.height * batch.n,
      channels: batch.channels,
      pageHeight: batch.height,
    },
  });
  const delay = Array.from({ length: batch.n }, () => options.delayMs);
  const loop = options.loop ? 0 : 1;
  return format === 'gif'
    ? img.gif({ delay, loop, effort: 1 }).toBuffer()
    : img.webp({ delay, loop, lossless: true, effort: 0 }).toBuffer();
}
