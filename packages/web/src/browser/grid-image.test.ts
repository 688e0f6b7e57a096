import { describe, expect, it } from 'vitest';
import { gridFromOutput, gridToRgba } from './grid-image.ts';

describe('grid image', () => {
  it('tiles generator output like the server (toUint8Pixels + tileGrid, padding 2)', () => {
    const data = new Float32Array([-1, 1, 0, 1]); // two 1x2 gray images
    const grid = gridFromOutput({ data, n: 2, height: 1, width: 2, channels: 1 }, undefined);
    expect([grid.width, grid.height]).toEqual([2 * 2 + 3 * 2, 1 + 2 * 2]);
    const row = Array.from(grid.pixels.slice(2 * grid.width, 3 * grid.width));
    expect(row).toEqual([0, 0, 0, 255, 0, 0, 128, 255, 0, 0]);
  });

  it('expands gray and RGB to opaque RGBA', () => {
    expect(Array.from(gridToRgba({ pixels: new Uint8Array([7]), width: 1, height: 1, channels: 1 }))).toEqual(
      [7, 7, 7, 255],
    );
    expect(
      Array.from(gridToRgba({ pixels: new Uint8Array([1, 2, 3]), width: 1, height: 1, channels: 3 })),
    ).toEqual([1, 2, 3, 255]);
  });
});
