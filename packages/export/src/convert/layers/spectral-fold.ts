/** The small epsilon of the training code's l2 normalization (packages/runs/src/layers/spectral-norm.ts). */
const EPSILON = 1e-12;

function normalize(x: Float64Array): Float64Array {
  let sum = 0;
  for (const v of x) sum += v * v;
  const n = Math.sqrt(sum) + EPSILON;
  return x.map((v) => v / n);
}

/**
 * sigma(W, u) = ||W^T normalize(W u)|| with W reshaped to [fanIn, out] (row-major, as tfjs stores kernels), the
 * estimate the spectral-norm layer divides by at inference. Returns W / sigma, same shape. Pure; float64 inside.
 */
export function foldSpectralNorm(
  kernel: Float32Array,
  shape: readonly number[],
  u: Float32Array,
): Float32Array {
  const out = shape[shape.length - 1] ?? 1;
  const fanIn = kernel.length / out;
  if (!Number.isInteger(fanIn) || u.length !== out) {
    throw new Error(`spectral norm: kernel [${shape.join(', ')}] with u of length ${u.length}`);
  }
  const wu = new Float64Array(fanIn);
  for (let i = 0; i < fanIn; i++) {
    let s = 0;
    for (let j = 0; j < out; j++) s += (kernel[i * out + j] ?? 0) * (u[j] ?? 0);
    wu[i] = s;
  }
  const v = normalize(wu);
  let sq = 0;
  for (let j = 0; j < out; j++) {
    let s = 0;
    for (let i = 0; i < fanIn; i++) s += (kernel[i * out + j] ?? 0) * (v[i] ?? 0);
    sq += s * s;
  }
  const sigma = Math.sqrt(sq);
  return kernel.map((w) => w / sigma);
}
