import { GanforgeError } from '../errors.ts';
import { toUint8Pixels } from './pixels.ts';

export interface TileGridOptions {
  /** n images, NHWC: Float32Array in [-1, 1] or Uint8Array pixels. */
  images: Float32Array | Uint8Array;
  n: number;
  height: number;
  width: number;
  channels: 1 | 3;
  /** Tiles per row; default ceil(sqrt(n)), at most n. Rows = ceil(n / columns). */
  columns?: number;
  /** Pixels of border between tiles and around the grid; default 2. */
  padding?: number;
  /** 8-bit value of the border and of empty cells; default 0 (black). */
  padValue?: number;
}

export interface ImageGrid {
  /** HWC, row-major, 8-bit. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

function positiveInt(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new GanforgeError('bad_grid', `image grid ${name} must be a whole number >= ${min}, got ${value}`);
  }
}

/**
 * Tiles a batch of images into one picture (like torchvision's make_grid): image i goes to row
 * floor(i / columns), column i % columns, with `padding` pixels of `padValue` between tiles and
 * around the edge. Output size: columns*width + (columns+1)*padding by rows*height + (rows+1)*padding.
 */
export function tileGrid(opts: TileGridOptions): ImageGrid {
  const { images, n, height, width, channels } = opts;
  positiveInt('n', n, 1);
  positiveInt('height', height, 1);
  positiveInt('width', width, 1);
  if (channels !== 1 && channels !== 3) {
    throw new GanforgeError('bad_grid', `image grid channels must be 1 or 3, got ${String(channels)}`);
  }
  const columns = opts.columns ?? Math.ceil(Math.sqrt(n));
  const padding = opts.padding ?? 2;
  const padValue = opts.padValue ?? 0;
  positiveInt('columns', columns, 1);
  positiveInt('padding', padding, 0);
  if (!Number.isInteger(padValue) || padValue < 0 || padValue > 255) {
    throw new GanforgeError('bad_grid', `image grid padValue must be an integer 0..255, got ${padValue}`);
  }
  const tile = height * width * channels;
  if (images.length !== n * tile) {
    throw new GanforgeError(
      'bad_grid',
      `image grid expected ${n} images of ${height}x${width}x${channels} = ${n * tile} values, got ${images.length}`,
    );
  }
  const src = images instanceof Uint8Array ? images : toUint8Pixels(images);
  const cols = Math.min(columns, n);
  const rows = Math.ceil(n / cols);
  const outW = cols * width + (cols + 1) * padding;
  const outH = rows * height + (rows + 1) * padding;
  const pixels = new Uint8Array(outW * outH * channels).fill(padValue);
  const rowBytes = width * channels;
  for (let i = 0; i < n; i++) {
    const top = padding + Math.floor(i / cols) * (height + padding);
    const left = padding + (i % cols) * (width + padding);
    for (let y = 0; y < height; y++) {
      const from = i * tile + y * rowBytes;
      pixels.set(src.subarray(from, from + rowBytes), ((top + y) * outW + left) * channels);
    }
  }
  return { pixels, width: outW, height: outH, channels };
}
