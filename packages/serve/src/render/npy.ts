const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The .npy (format 1.0) header of a float32 little-endian array of `shape`, padded to 64 bytes. */
function npyHeader(shape: readonly number[], dataBytes: number): { out: Buffer; headerBytes: number } {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10;
  const pad = 64 - ((preamble + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  // Every byte is written below or by the caller: no zero-fill needed (small files come from Node's pool).
  const out = Buffer.allocUnsafe(preamble + header.length + dataBytes);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, preamble, 'latin1');
  return { out, headerBytes: preamble + header.length };
}

/**
 * A float32 little-endian .npy (format 1.0) file: numpy.load reads it as an array of `shape`.
 * Header padded with spaces so the data starts on a 64-byte boundary.
 */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  const { out, headerBytes } = npyHeader(shape, data.byteLength);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) bytes.copy(out, headerBytes);
  else for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, headerBytes + 4 * i);
  return out;
}

/**
 * The same file as encodeNpy, as pieces to write one after the other: the header, then (on a
 * little-endian machine) the floats' own memory, not a copy of it.
 */
export function npyPieces(data: Float32Array, shape: readonly number[]): Buffer[] {
  if (!LITTLE_ENDIAN) return [encodeNpy(data, shape)];
  return [npyHeader(shape, 0).out, Buffer.from(data.buffer, data.byteOffset, data.byteLength)];
}
