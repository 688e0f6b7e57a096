/**
 * Value-range conversions between the generator's output range [-1, 1] (tanh) and 8-bit pixels.
 * x -> round((x + 1) * 127.5), clamped to [0, 255] (NaN -> 0); rounding is half up (Math.round), so
 * -1 -> 0, 0 -> 128, 1 -> 255. The inverse maps p -> p / 127.5 - 1.
 */

/** A batch (any layout) in [-1, 1] to 8-bit pixels, element by element. */
export function toUint8Pixels(batch: Float32Array): Uint8Array {
  const out = new Uint8Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const v = Math.round((batch[i]! + 1) * 127.5);
    out[i] = v > 255 ? 255 : v >= 0 ? v : 0; // NaN fails both tests and becomes 0
  }
  return out;
}

/** 8-bit pixels to [-1, 1] (the range datasets are normalized to). */
export function fromUint8Pixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 127.5 - 1;
  return out;
}
