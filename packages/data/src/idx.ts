import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { GanforgeError } from '@ganforge/core';
import { datasetReadError } from './read-error.ts';

/**
 * The IDX format (LeCun's MNIST files): two zero bytes, a dtype byte, a byte with the number of
 * dimensions, one big-endian uint32 per dimension, then the data in row-major order.
 * Only unsigned bytes (dtype 0x08) are supported: every image dataset in use stores pixels that way.
 */
export interface IdxArray {
  /** Sizes of each dimension, outermost first (e.g. [60000, 28, 28] for MNIST images). */
  readonly dims: readonly number[];
  /** The values, row-major, length = product of dims. */
  readonly data: Uint8Array;
}

const IDX_UBYTE = 0x08;
const DTYPE_NAMES: Readonly<Record<number, string>> = {
  0x08: 'ubyte',
  0x09: 'sbyte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

function corrupt(file: string, what: string): GanforgeError {
  return new GanforgeError('dataset_corrupt', `IDX file ${file}: ${what}`, {
    hint: 'the file is damaged or not an IDX file; re-download or re-install it',
  });
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parses an (uncompressed) IDX file held in memory. `file` names the source in error messages.
 * The result's data is a view into `bytes`, not a copy.
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) {
    throw corrupt(file, `truncated: expected at least 4 header bytes, got ${bytes.length}`);
  }
  const [zero0, zero1, dtype, ndims] = bytes as unknown as [number, number, number, number];
  if (zero0 !== 0 || zero1 !== 0) {
    throw corrupt(
      file,
      `wrong magic number: expected it to start with 0x00 0x00, got ${hex(zero0)} ${hex(zero1)}`,
    );
  }
  if (dtype !== IDX_UBYTE) {
    const name = DTYPE_NAMES[dtype] ?? 'unknown';
    throw corrupt(file, `wrong dtype: expected ubyte (0x08), got ${name} (${hex(dtype)})`);
  }
  if (ndims === 0) throw corrupt(file, 'wrong header: 0 dimensions');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw corrupt(
      file,
      `truncated: expected ${headerBytes} header bytes for ${ndims} dimensions, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < ndims; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    dims.push(dim);
    count *= dim;
  }
  const expected = headerBytes + count;
  if (bytes.length < expected) {
    throw corrupt(
      file,
      `truncated: expected ${expected} bytes for dims [${dims.join(', ')}], got ${bytes.length}`,
    );
  }
  if (bytes.length > expected) {
    throw corrupt(
      file,
      `trailing data: expected ${expected} bytes for dims [${dims.join(', ')}], got ${bytes.length}`,
    );
  }
  return { dims, data: bytes.subarray(headerBytes, expected) };
}

/** Decompresses the bytes when they are gzipped (magic 1f 8b); returns them unchanged otherwise. */
export function gunzipIfNeeded(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new GanforgeError(
      'dataset_corrupt',
      `IDX file ${file}: corrupt gzip data (${(e as Error).message})`,
      { hint: 'the file is damaged; re-download or re-install it', cause: e },
    );
  }
}

/** Parses IDX bytes as read from disk: gzipped or not. */
export function decodeIdx(bytes: Uint8Array, file: string): IdxArray {
  return parseIdx(gunzipIfNeeded(bytes, file), file);
}

/** Reads and parses an IDX file (gzipped or not). A missing file is a `dataset_not_found` error. */
export async function readIdxFile(file: string): Promise<IdxArray> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw datasetReadError(e, `IDX file ${file}`, 'check the path');
  }
  return decodeIdx(bytes, file);
}
