/** Eigen-decomposition A = V diag(values) V^T of a real symmetric matrix (d x d, row-major). */
export interface SymmetricEigen {
  readonly d: number;
  /** Eigenvalues, in no particular order. */
  readonly values: Float64Array;
  /** Eigenvectors as COLUMNS of V (row-major d x d): eigenvector j = (V[0][j], ..., V[d-1][j]). */
  readonly vectors: Float64Array;
}

/**
 * Cyclic Jacobi eigenvalue algorithm (Golub & Van Loan, Matrix Computations, §8.5): sweep over every
 * off-diagonal pair (p, q) and apply the plane rotation J that zeroes A[p][q]:
 *   theta = (A[q][q] - A[p][p]) / (2 A[p][q]),  t = sign(theta) / (|theta| + sqrt(theta^2 + 1)),
 *   c = 1 / sqrt(t^2 + 1),  s = t c,   A <- J^T A J,   V <- V J
 * until the off-diagonal Frobenius norm is below `tolerance` times the matrix's Frobenius norm.
 * Converges quadratically; every eigenvalue of a symmetric matrix is real and V stays orthogonal.
 * The input must be symmetric (only the upper triangle's symmetry is assumed, not checked in bulk).
 */
export function symmetricEigen(
  a: ArrayLike<number>,
  d: number,
  tolerance = 1e-14,
  maxSweeps = 100,
): SymmetricEigen {
  if (a.length !== d * d) throw new RangeError(`symmetricEigen: ${a.length} values for a ${d}x${d} matrix`);
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let total = 0;
  for (let i = 0; i < d * d; i++) total += (m[i] as number) ** 2;
  const threshold = tolerance * tolerance * total;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * (m[p * d + q] as number) ** 2;
    if (off <= threshold) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q] as number;
        if (apq === 0) continue;
        const app = m[p * d + p] as number;
        const aqq = m[q * d + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A <- J^T A J touches rows and columns p and q only.
        for (let k = 0; k < d; k++) {
          const akp = m[k * d + p] as number;
          const akq = m[k * d + q] as number;
          m[k * d + p] = c * akp - s * akq;
          m[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = m[p * d + k] as number;
          const aqk = m[q * d + k] as number;
          m[p * d + k] = c * apk - s * aqk;
          m[q * d + k] = s * apk + c * aqk;
        }
        m[p * d + q] = 0;
        m[q * d + p] = 0;
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p] as number;
          const vkq = v[k * d + q] as number;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i] as number;
  return { d, values, vectors: v };
}

/**
 * Principal square root of a symmetric positive semi-definite matrix: A^(1/2) = V diag(sqrt(max(lambda, 0))) V^T.
 * Eigenvalues that round-off pushed slightly below zero are clamped to 0.
 */
export function sqrtSymmetricPsd(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const root = values.map((x) => Math.sqrt(Math.max(x, 0)));
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let sum = 0;
      for (let k = 0; k < d; k++)
        sum += (vectors[i * d + k] as number) * (root[k] as number) * (vectors[j * d + k] as number);
      out[i * d + j] = sum;
      out[j * d + i] = sum;
    }
  }
  return out;
}

/** C = A B for d x d row-major matrices. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, d: number): Float64Array {
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < d; k++) {
      const aik = a[i * d + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < d; j++) c[i * d + j] = (c[i * d + j] as number) + aik * (b[k * d + j] as number);
    }
  }
  return c;
}
