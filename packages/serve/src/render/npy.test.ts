import { describe, expect, it } from 'vitest';
import { encodeNpy, npyPieces } from './npy.ts';

describe('encodeNpy', () => {
  it('writes a v1.0 header (64-byte aligned) and little-endian float32 data', () => {
    const data = new Float32Array([0.5, -1, 1, 0.25, 0, -0.75]);
    const npy = encodeNpy(data, [2, 1, 3, 1]);
    expect(npy.subarray(0, 8).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]))).toBe(true);
    const headerLen = npy.readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    const header = npy.subarray(10, 10 + headerLen).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 1, 3, 1\), \} *\n$/);
    const back = Array.from({ length: 6 }, (_, i) => npy.readFloatLE(10 + headerLen + 4 * i));
    expect(back).toEqual(Array.from(data));
  });
  it('writes a 1-d shape with the trailing comma numpy expects', () => {
    const npy = encodeNpy(new Float32Array(3), [3]);
    expect(npy.toString('latin1')).toContain("'shape': (3,), }");
  });
  it('as pieces (header, then the floats without a copy), the same bytes', () => {
    const data = new Float32Array([0.5, -1, 1, 0.25, 0, -0.75, 3, 4]).subarray(1, 7);
    const pieces = npyPieces(data, [2, 3]);
    expect(Buffer.concat(pieces).equals(encodeNpy(data, [2, 3]))).toBe(true);
  });
});
