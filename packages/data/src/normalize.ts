/**
 * 8-bit pixels to the [-1, 1] range a tanh generator produces: x / 127.5 - 1.
 * 0 maps to exactly -1 and 255 to exactly 1.
 */
export function normalizePixels(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] as number) / 127.5 - 1;
  return out;
}
