import { describe, expect, it } from 'vitest';
import { fromUint8Pixels, toUint8Pixels } from './pixels.ts';

describe('toUint8Pixels', () => {
  it('maps [-1, 1] to [0, 255] with round-half-up', () => {
    // 0 -> 127.5 -> 128 (half up); -0.5 -> 63.75 -> 64; 0.5 -> 191.25 -> 191; -0.75 -> 31.875 -> 32;
    // 0.25 -> 159.375 -> 159 (all exact in float32)
    const x = new Float32Array([-1, 0, 1, -0.5, 0.5, -0.75, 0.25]);
    expect(Array.from(toUint8Pixels(x))).toEqual([0, 128, 255, 64, 191, 32, 159]);
    // The float32 nearest to "one pixel step above -1" is just below it and rounds to 1, not 0.
    expect(Array.from(toUint8Pixels(new Float32Array([1 / 127.5 - 1])))).toEqual([1]);
  });

  it('clamps out-of-range values and maps NaN to 0', () => {
    const x = new Float32Array([-3, 2, Infinity, -Infinity, NaN, 1.002, -1.002]);
    expect(Array.from(toUint8Pixels(x))).toEqual([0, 255, 255, 0, 0, 255, 0]);
  });

  it('round-trips every 8-bit value through fromUint8Pixels', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = fromUint8Pixels(all);
    expect(f[0]).toBe(-1);
    expect(f[255]).toBe(1);
    expect(Math.min(...f)).toBe(-1);
    expect(toUint8Pixels(f)).toEqual(all);
  });
});
