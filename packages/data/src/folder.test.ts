import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GanforgeError } from '@ganforge/core';
import { listImageFiles, loadImageFolder } from './folder.ts';
import { loadDataset } from './spec.ts';

const root = mkdtempSync(join(tmpdir(), 'ganforge-folder-'));
const images = join(root, 'images');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A solid-colour image. */
function solid(
  width: number,
  height: number,
  channels: 3 | 4,
  background: string | { r: number; g: number; b: number; alpha?: number },
): Sharp {
  return sharp({ create: { width, height, channels, background } });
}

/** 60x20 grayscale (1 channel): black | white | black thirds. */
function thirds(): Sharp {
  const raw = new Uint8Array(60 * 20);
  for (let y = 0; y < 20; y++) for (let x = 20; x < 40; x++) raw[y * 60 + x] = 255;
  return sharp(raw, { raw: { width: 60, height: 20, channels: 1 } });
}

beforeAll(async () => {
  mkdirSync(join(images, 'subfolder'), { recursive: true });
  await solid(30, 40, 3, { r: 255, g: 0, b: 0 }).png().toFile(join(images, 'b_red.png'));
  await solid(16, 16, 3, '#ffffff').jpeg({ quality: 100 }).toFile(join(images, 'a_white.JPG'));
  await solid(12, 12, 3, { r: 0, g: 0, b: 255 }).webp({ lossless: true }).toFile(join(images, 'c_blue.webp'));
  await thirds().png().toFile(join(images, 'd_thirds.png'));
  await solid(8, 8, 4, { r: 255, g: 255, b: 255, alpha: 0 }).png().toFile(join(images, 'e_clear.png'));
  // Ignored: other extensions, hidden files, subfolders.
  writeFileSync(join(images, 'notes.txt'), 'not an image');
  await solid(8, 8, 3, '#808080').png().toFile(join(images, '.hidden.png'));
  await solid(8, 8, 3, '#808080')
    .png()
    .toFile(join(images, 'subfolder', 'inner.png'));
});

/** Pixels of example i, as an array. */
function example(
  ds: { images: Float32Array; shape: { height: number; width: number; channels: number } },
  i: number,
): number[] {
  const n = ds.shape.height * ds.shape.width * ds.shape.channels;
  return Array.from(ds.images.subarray(i * n, (i + 1) * n));
}

describe('loadImageFolder', () => {
  it('lists PNG/JPEG/WebP files sorted by name, ignoring everything else', async () => {
    expect(await listImageFiles(images)).toEqual([
      'a_white.JPG',
      'b_red.png',
      'c_blue.webp',
      'd_thirds.png',
      'e_clear.png',
    ]);
  });

  it('reads RGB, resized to size x size, in [-1, 1]', async () => {
    const ds = await loadImageFolder({ path: images, size: 4, channels: 3 });
    expect(ds.name).toBe(`folder:${images}`);
    expect(ds.size).toBe(5);
    expect(ds.shape).toEqual({ height: 4, width: 4, channels: 3 });
    expect(ds.images.length).toBe(5 * 4 * 4 * 3);
    expect(ds.labels).toBeUndefined();
    expect(ds.numClasses).toBeUndefined();
    const white = example(ds, 0);
    expect(Math.min(...white)).toBeGreaterThan(0.97); // JPEG may shave a level off
    expect(example(ds, 1)).toEqual(new Array(16).fill([1, -1, -1]).flat()); // red
    expect(example(ds, 2)).toEqual(new Array(16).fill([-1, -1, 1]).flat()); // blue
    // A grayscale source comes out as three equal channels.
    const thirdsRgb = example(ds, 3);
    for (let p = 0; p < 16; p++) {
      expect(thirdsRgb[3 * p]).toBe(thirdsRgb[3 * p + 1]);
      expect(thirdsRgb[3 * p]).toBe(thirdsRgb[3 * p + 2]);
    }
    // Transparency is flattened onto black.
    expect(example(ds, 4)).toEqual(new Array(48).fill(-1));
  });

  it('reads grayscale (1 channel); a non-square image is center-cropped, not squashed', async () => {
    const ds = await loadImageFolder({ path: images, size: 8, channels: 1 });
    expect(ds.shape).toEqual({ height: 8, width: 8, channels: 1 });
    // Red as luminance: one mid-dark gray level everywhere.
    const red = example(ds, 1);
    expect(new Set(red).size).toBe(1);
    expect(red[0]).toBeGreaterThan(-1);
    expect(red[0]).toBeLessThan(0);
    // black | white | black, 60x20 -> only the white centre 20x20 is kept (squashing would keep
    // the black sides; the resampling kernel may blur the crop edges slightly).
    expect(Math.min(...example(ds, 3))).toBeGreaterThan(0.8);
  });

  it('honours limit (first N by name) and defaults to 28x28 RGB through loadDataset', async () => {
    const ds = await loadDataset({ kind: 'folder', path: images, limit: 2 });
    expect(ds.size).toBe(2);
    expect(ds.shape).toEqual({ height: 28, width: 28, channels: 3 });
    expect(example(ds, 1).slice(0, 3)).toEqual([1, -1, -1]); // b_red.png is second
  });

  it('rejects an empty folder (only non-image files)', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'readme.md'), '# nothing here');
    const error = await loadImageFolder({ path: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanforgeError);
    expect((error as GanforgeError).code).toBe('dataset_empty');
    expect((error as GanforgeError).message).toBe(
      `image folder ${empty} has no images (looked for .png, .jpg, .jpeg, .webp)`,
    );
  });

  it('rejects a missing folder', async () => {
    const error = await loadImageFolder({ path: join(root, 'nope') }).catch((e: unknown) => e);
    expect((error as GanforgeError).code).toBe('dataset_not_found');
    expect((error as GanforgeError).message).toBe(`image folder ${join(root, 'nope')} does not exist`);
  });

  it.each([
    ['garbage bytes', (_good: Buffer) => Buffer.from('this is not a png at all')],
    ['a truncated file', (good: Buffer) => good.subarray(0, Math.floor(good.length / 2))],
  ])('names the corrupt image (%s)', async (_what, damage) => {
    const bad = join(root, `bad-${_what.replace(/ /g, '-')}`);
    mkdirSync(bad);
    const good = readFileSync(join(images, 'd_thirds.png'));
    writeFileSync(join(bad, 'a_good.png'), good);
    writeFileSync(join(bad, 'b_broken.png'), damage(good));
    const error = await loadImageFolder({ path: bad }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GanforgeError);
    expect((error as GanforgeError).code).toBe('dataset_corrupt');
    expect((error as GanforgeError).message).toMatch(
      new RegExp(
        `^image ${join(bad, 'b_broken.png').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be decoded: `,
      ),
    );
  });
});
