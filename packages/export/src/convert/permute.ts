/**
 * Permutes the axes of a dense row-major array: out.shape[i] = shape[perm[i]].
 * Conv2D kernels [kh, kw, in, out] and Conv2DTranspose kernels [kh, kw, out, in] both become ONNX weights with
 * perm [3, 2, 0, 1] ([out, in, kh, kw] and [in, out, kh, kw]); no spatial flip.
 */
export function permute(
  values: Float32Array,
  shape: readonly number[],
  perm: readonly number[],
): { values: Float32Array; shape: number[] } {
  const rank = shape.length;
  if (perm.length !== rank) throw new Error(`permute: perm [${perm.join(',')}] for rank ${rank}`);
  const outShape = perm.map((p) => shape[p] ?? 0);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] ?? 1) * (shape[i + 1] ?? 1);
  const strideOfOut = perm.map((p) => inStrides[p] ?? 0);
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let a = 0; a < rank; a++) src += (index[a] ?? 0) * (strideOfOut[a] ?? 0);
    out[o] = values[src] ?? 0;
    for (let a = rank - 1; a >= 0; a--) {
      const next = (index[a] ?? 0) + 1;
      if (next < (outShape[a] ?? 0)) {
        index[a] = next;
        break;
      }
      index[a] = 0;
    }
  }
  return { values: out, shape: outShape };
}
