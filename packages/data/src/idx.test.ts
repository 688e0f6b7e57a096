import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { errorOf, rejectionOf } from '@ganforge/core/testing';
import { decodeIdx, isGzip, parseIdx, readIdxFile } from './idx.ts';
import { loadIdxPair } from './idx-pair.ts';

/** Builds IDX bytes: 00 00 dtype ndims, big-endian dims, then data. */
function idxBytes(dims: number[], data: ArrayLike<number>, dtype = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = dtype;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** Two 2x3 images with pixel values 0..11 (the first 0 and the last 255). */
const pixels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255];
const images = idxBytes([2, 2, 3], pixels);

const dir = mkdtempSync(join(tmpdir(), 'ganforge-idx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseIdx', () => {
  it('reads dims big-endian and the ubyte data', () => {
    const big = idxBytes([1, 300, 2], new Uint8Array(600).fill(7));
    const parsed = parseIdx(big, 'big.idx');
    expect(parsed.dims).toEqual([1, 300, 2]);
    expect(parsed.data.length).toBe(600);
    const small = parseIdx(images, 'x.idx');
    expect(small.dims).toEqual([2, 2, 3]);
    expect(Array.from(small.data)).toEqual(pixels);
  });

  it('names the file and the byte counts when the data is truncated', () => {
    const e = errorOf(() => parseIdx(images.subarray(0, images.length - 5), 'cut.idx'));
    expect(e.code).toBe('dataset_corrupt');
    expect(e.message).toBe('IDX file cut.idx: truncated: expected 28 bytes for dims [2, 2, 3], got 23');
  });

  it('reports a truncated header', () => {
    expect(errorOf(() => parseIdx(images.subarray(0, 3), 'h.idx')).message).toBe(
      'IDX file h.idx: truncated: expected at least 4 header bytes, got 3',
    );
    expect(errorOf(() => parseIdx(images.subarray(0, 10), 'h.idx')).message).toBe(
      'IDX file h.idx: truncated: expected 16 header bytes for 3 dimensions, got 10',
    );
  });

  it('rejects a wrong magic number', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    const e = errorOf(() => parseIdx(png, 'photo.png'));
    expect(e.message).toBe(
      'IDX file photo.png: wrong magic number: expected it to start with 0x00 0x00, got 0x89 0x50',
    );
  });

  it('rejects a dtype other than ubyte, naming it', () => {
    const floats = idxBytes([1], [0, 0, 0, 0], 0x0d);
    expect(errorOf(() => parseIdx(floats, 'f.idx')).message).toBe(
      'IDX file f.idx: wrong dtype: expected ubyte (0x08), got float32 (0x0d)',
    );
  });

  it('rejects trailing bytes', () => {
    const longer = new Uint8Array(images.length + 1);
    longer.set(images);
    expect(errorOf(() => parseIdx(longer, 'long.idx')).message).toMatch(
      /^IDX file long\.idx: trailing data: expected 28 bytes .* got 29$/,
    );
  });
});

describe('gzipped IDX', () => {
  it('detects gzip and decodes to the same array', () => {
    const gz = gzipSync(images);
    expect(isGzip(gz)).toBe(true);
    expect(isGzip(images)).toBe(false);
    const parsed = decodeIdx(gz, 'x.idx.gz');
    expect(parsed.dims).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual(pixels);
  });

  it('reports corrupt gzip data with the file name', () => {
    const gz = gzipSync(images);
    const e = errorOf(() => decodeIdx(gz.subarray(0, gz.length - 8), 'cut.idx.gz'));
    expect(e.code).toBe('dataset_corrupt');
    expect(e.message).toMatch(/^IDX file cut\.idx\.gz: corrupt gzip data/);
  });

  it('reads gzipped and plain files from disk alike', async () => {
    writeFileSync(join(dir, 'plain.idx'), images);
    writeFileSync(join(dir, 'packed.idx.gz'), gzipSync(images));
    const plain = await readIdxFile(join(dir, 'plain.idx'));
    const packed = await readIdxFile(join(dir, 'packed.idx.gz'));
    expect(packed.dims).toEqual(plain.dims);
    expect(Array.from(packed.data)).toEqual(Array.from(plain.data));
  });

  it('reports a missing file as dataset_not_found', async () => {
    const e = await rejectionOf(readIdxFile(join(dir, 'nope.idx')));
    expect(e.code).toBe('dataset_not_found');
    expect(e.message).toContain('nope.idx');
  });
});

describe('loadIdxPair', () => {
  writeFileSync(join(dir, 'images.idx.gz'), gzipSync(images));
  writeFileSync(join(dir, 'labels.idx'), idxBytes([2], [3, 1]));
  writeFileSync(join(dir, 'labels3.idx'), idxBytes([3], [3, 1, 0]));

  it('loads images and labels, normalized to [-1, 1] NHWC', async () => {
    const ds = await loadIdxPair({
      imagesPath: join(dir, 'images.idx.gz'),
      labelsPath: join(dir, 'labels.idx'),
    });
    expect(ds.name).toBe(`idx:${join(dir, 'images.idx.gz')}`);
    expect(ds.size).toBe(2);
    expect(ds.shape).toEqual({ height: 2, width: 3, channels: 1 });
    expect(Array.from(ds.images)).toEqual(pixels.map((p) => Math.fround(p / 127.5 - 1)));
    expect(ds.images[0]).toBe(-1);
    expect(ds.images[11]).toBe(1);
    expect(Array.from(ds.labels ?? [])).toEqual([3, 1]);
    expect(ds.numClasses).toBe(4);
  });

  it('loads images without labels, and honours limit', async () => {
    const ds = await loadIdxPair({ imagesPath: join(dir, 'images.idx.gz'), limit: 1 });
    expect(ds.size).toBe(1);
    expect(ds.images.length).toBe(6);
    expect(ds.labels).toBeUndefined();
    expect(ds.numClasses).toBeUndefined();
  });

  it('rejects an image/label count mismatch, naming both files', async () => {
    const e = await rejectionOf(
      loadIdxPair({ imagesPath: join(dir, 'images.idx.gz'), labelsPath: join(dir, 'labels3.idx') }),
    );
    expect(e.code).toBe('dataset_corrupt');
    expect(e.message).toBe(
      `image/label count mismatch: ${join(dir, 'images.idx.gz')} has 2 images but ${join(dir, 'labels3.idx')} has 3 labels`,
    );
  });

  it('rejects labels given as images and images given as labels', async () => {
    const asImages = await rejectionOf(loadIdxPair({ imagesPath: join(dir, 'labels.idx') }));
    expect(asImages.message).toContain('expected images with dims [n, height, width]');
    const asLabels = await rejectionOf(
      loadIdxPair({ imagesPath: join(dir, 'images.idx.gz'), labelsPath: join(dir, 'images.idx.gz') }),
    );
    expect(asLabels.message).toContain('expected labels with dims [n], got [2, 2, 3]');
  });
});
