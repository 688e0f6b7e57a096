/**
 * A float32 little-endian .npy (format 1.0) file: numpy.load reads it as an array of `shape`.
 * Header padded with spaces so the data starts on a 64-byte boundary.
 */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10;
  const pad = 64 - ((preamble + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = Buffer.alloc(preamble + header.length + data.byteLength);
  out.write('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE(header.length, 8);
  out.write(header, preamble, 'latin1');
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) bytes.copy(out, preamble + header.length);
  else for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, preamble + header.length + 4 * i);
  return out;
}
