import { tileGrid, toUint8Pixels } from '@ganforge/core';
import type { GeneratorOutput } from './onnx-generator.ts';

/** A tiled sample grid, 8 bits per channel, row-major: what the server's samples.png holds. */
export interface GridPixels {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
}

/** Generator output -> the grid the server renders for the same latents (same rounding, same tiling). */
export function gridFromOutput(out: GeneratorOutput, columns: number | undefined): GridPixels {
  return tileGrid({
    images: toUint8Pixels(out.data),
    n: out.n,
    height: out.height,
    width: out.width,
    channels: out.channels,
    ...(columns === undefined ? {} : { columns }),
  });
}

/** Gray or RGB grid -> RGBA bytes for a canvas ImageData (alpha 255). */
export function gridToRgba(grid: GridPixels): Uint8ClampedArray<ArrayBuffer> {
  const count = grid.width * grid.height;
  const rgba = new Uint8ClampedArray(count * 4);
  const src = grid.pixels;
  for (let i = 0; i < count; i++) {
    if (grid.channels === 1) {
      const v = src[i]!;
      rgba[4 * i] = v;
      rgba[4 * i + 1] = v;
      rgba[4 * i + 2] = v;
    } else {
      rgba[4 * i] = src[3 * i]!;
      rgba[4 * i + 1] = src[3 * i + 1]!;
      rgba[4 * i + 2] = src[3 * i + 2]!;
    }
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}
