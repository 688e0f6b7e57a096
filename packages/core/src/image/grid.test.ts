import { describe, expect, it } from 'vitest';
import { GanforgeError } from '../errors.ts';
import { tileGrid } from './grid.ts';

/** n tiles of h x w x c where every value of tile i is 10 * (i + 1) (+ channel index). */
function tiles(n: number, h: number, w: number, c: number): Uint8Array {
  const out = new Uint8Array(n * h * w * c);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < h * w; p++)
      for (let k = 0; k < c; k++) out[(i * h * w + p) * c + k] = 10 * (i + 1) + k;
  return out;
}

describe('tileGrid', () => {
  it('lays 5 grayscale tiles out 3 per row with padding between and around, empty cell padded', () => {
    const g = tileGrid({
      images: tiles(5, 2, 3, 1),
      n: 5,
      height: 2,
      width: 3,
      channels: 1,
      padding: 1,
      padValue: 255,
    });
    // columns = ceil(sqrt(5)) = 3, rows = 2; width 3*3 + 4*1 = 13, height 2*2 + 3*1 = 7
    expect(g.width).toBe(13);
    expect(g.height).toBe(7);
    expect(g.channels).toBe(1);
    const at = (x: number, y: number) => g.pixels[y * g.width + x];
    const rows = Array.from({ length: g.height }, (_, y) =>
      Array.from({ length: g.width }, (_, x) => at(x, y)),
    );
    const P = 255;
    expect(rows).toEqual([
      [P, P, P, P, P, P, P, P, P, P, P, P, P],
      [P, 10, 10, 10, P, 20, 20, 20, P, 30, 30, 30, P],
      [P, 10, 10, 10, P, 20, 20, 20, P, 30, 30, 30, P],
      [P, P, P, P, P, P, P, P, P, P, P, P, P],
      [P, 40, 40, 40, P, 50, 50, 50, P, P, P, P, P],
      [P, 40, 40, 40, P, 50, 50, 50, P, P, P, P, P],
      [P, P, P, P, P, P, P, P, P, P, P, P, P],
    ]);
  });

  it('keeps each tile row-major and its RGB channels interleaved', () => {
    const h = 2;
    const w = 2;
    const img = new Uint8Array(2 * h * w * 3);
    for (let i = 0; i < img.length; i++) img[i] = i; // distinct values: tile 0 is 0..11, tile 1 is 12..23
    const g = tileGrid({ images: img, n: 2, height: h, width: w, channels: 3, columns: 2, padding: 2 });
    expect([g.width, g.height, g.channels]).toEqual([2 * 2 + 3 * 2, 2 + 2 * 2, 3]);
    const px = (x: number, y: number) =>
      Array.from(g.pixels.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3));
    expect(px(2, 2)).toEqual([0, 1, 2]);
    expect(px(3, 2)).toEqual([3, 4, 5]);
    expect(px(2, 3)).toEqual([6, 7, 8]);
    expect(px(6, 2)).toEqual([12, 13, 14]); // second tile starts at x = 2 + 2 + 2
    expect(px(7, 3)).toEqual([21, 22, 23]);
    expect(px(0, 0)).toEqual([0, 0, 0]); // default padValue 0
    expect(px(4, 2)).toEqual([0, 0, 0]); // gap between tiles
  });

  it('converts a float batch in [-1, 1] to pixels; padding 0 gives tiles edge to edge', () => {
    const f = new Float32Array([-1, 1, 0, 1]);
    const g = tileGrid({ images: f, n: 4, height: 1, width: 1, channels: 1, padding: 0 });
    expect([g.width, g.height]).toEqual([2, 2]);
    expect(Array.from(g.pixels)).toEqual([0, 255, 128, 255]);
  });

  it('uses at most n columns; one row for columns >= n', () => {
    const g = tileGrid({
      images: tiles(3, 1, 1, 1),
      n: 3,
      height: 1,
      width: 1,
      channels: 1,
      columns: 8,
      padding: 1,
    });
    expect([g.width, g.height]).toEqual([7, 3]);
    expect(Array.from(g.pixels.subarray(7, 14))).toEqual([0, 10, 0, 20, 0, 30, 0]);
  });

  it('rejects a batch whose size does not match, naming both sizes', () => {
    expect(() => tileGrid({ images: new Uint8Array(10), n: 2, height: 2, width: 2, channels: 3 })).toThrow(
      /expected 2 images of 2x2x3 = 24 values, got 10/,
    );
    expect(() =>
      tileGrid({ images: new Uint8Array(4), n: 1, height: 2, width: 2, channels: 2 as 1 }),
    ).toThrow(GanforgeError);
    expect(() =>
      tileGrid({ images: new Uint8Array(4), n: 1, height: 2, width: 2, channels: 1, padValue: 300 }),
    ).toThrow(/padValue/);
    expect(() => tileGrid({ images: new Uint8Array(0), n: 0, height: 2, width: 2, channels: 1 })).toThrow(
      /n must be/,
    );
  });
});
