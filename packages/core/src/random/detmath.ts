/**
 * Deterministic elementary functions: the same input gives the same bits in every JavaScript engine.
 *
 * Why not Math.log / Math.sin / Math.cos / Math.acos / Math.sqrt: the ECMAScript spec leaves the
 * precision of the Math functions "implementation-approximated", so V8 (Node, Chromium), SpiderMonkey
 * (Firefox) and JavaScriptCore (Safari) may return different last bits for the same argument. A latent
 * vector built from them could then differ between the server and the browser for the same seed.
 * These versions use only +, -, *, / on doubles (and Math.round on a value we only multiply by an
 * exact constant), which the spec defines as IEEE 754 double arithmetic, correctly rounded, and JS
 * never fuses a multiply-add, so every engine computes exactly the same bits. Accuracy is an ulp or
 * two, which is all a latent sampler or an interpolation needs.
 */

const TWO_32 = 4294967296; // 2^32
const TWO_M32 = 1 / TWO_32; // 2^-32, exact
const TWO_16 = 65536;
const TWO_M16 = 1 / TWO_16;
const LN2_HI = 6.9314718036912381649e-1; // ln 2, upper bits (exact in a few more multiples)
const LN2_LO = 1.90821492927058770002e-10; // ln 2 - LN2_HI
const SQRT2 = 1.4142135623730951;
const PI = 3.141592653589793;
const PIO2_HI = 1.5707963267341256; // pi/2, upper 33 bits
const PIO2_LO = 6.077100506506192e-11; // pi/2 - PIO2_HI
const PIO6 = 0.5235987755982989; // pi/6
const INV_SQRT3 = 0.5773502691896257; // 1/sqrt(3) = tan(pi/6)
const TAN_PI_12 = 0.2679491924311227; // tan(pi/12)

/**
 * Square root, by Newton's method from a fixed start (not necessarily correctly rounded, but the
 * same bits everywhere; within 1 ulp). NaN for x < 0 or NaN.
 */
export function detSqrt(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0 || x === Infinity) return x;
  // x = m * 4^e with m in [0.5, 2): scaling by powers of two is exact.
  let m = x;
  let scale = 1;
  while (m >= TWO_32) {
    m *= TWO_M32;
    scale *= TWO_16;
  }
  while (m < TWO_M32) {
    m *= TWO_32;
    scale *= TWO_M16;
  }
  while (m >= 2) {
    m *= 0.25;
    scale *= 2;
  }
  while (m < 0.5) {
    m *= 4;
    scale *= 0.5;
  }
  // A linear first guess (relative error < 3e-2) and five Newton steps (quadratic convergence).
  let y = 0.4173 + 0.5902 * m;
  for (let i = 0; i < 5; i++) y = 0.5 * (y + m / y);
  return y * scale;
}

/** Natural logarithm. NaN for x < 0 or NaN, -Infinity for 0, Infinity for Infinity. */
export function detLog(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  // x = m * 2^e with m in [sqrt(1/2), sqrt(2)); multiplying by powers of two is exact.
  let m = x;
  let e = 0;
  while (m >= TWO_32) {
    m *= TWO_M32;
    e += 32;
  }
  while (m < TWO_M32) {
    m *= TWO_32;
    e -= 32;
  }
  while (m >= SQRT2) {
    m *= 0.5;
    e += 1;
  }
  while (m < SQRT2 / 2) {
    m *= 2;
    e -= 1;
  }
  // ln m = 2 atanh(t) = 2 (t + t^3/3 + t^5/5 + ...), t = (m-1)/(m+1), |t| <= 0.1716.
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let term = t;
  let sum = t;
  for (let k = 3; k <= 27; k += 2) {
    term *= t2;
    sum += term / k;
  }
  return e * LN2_HI + (e * LN2_LO + 2 * sum);
}

/** sin(r) for |r| <= pi/4 (Taylor series, 10 terms). */
function sinKernel(r: number): number {
  const r2 = r * r;
  let term = r;
  let sum = r;
  for (let k = 1; k <= 10; k++) {
    term *= -r2 / (2 * k * (2 * k + 1));
    sum += term;
  }
  return sum;
}

/** cos(r) for |r| <= pi/4 (Taylor series, 10 terms). */
function cosKernel(r: number): number {
  const r2 = r * r;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 10; k++) {
    term *= -r2 / ((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

/** Reduces x to r in [-pi/4, pi/4] and the quadrant q (x = q*pi/2 + r). Accurate for |x| < ~1e6. */
function reduce(x: number): { r: number; q: number } {
  const k = Math.round(x / (PIO2_HI + PIO2_LO));
  const r = x - k * PIO2_HI - k * PIO2_LO;
  return { r, q: ((k % 4) + 4) % 4 };
}

/** sin(q*pi/2 + r) for r in [-pi/4, pi/4]: the kernel quadrant q (taken mod 4) calls for. */
function sinInQuadrant(r: number, q: number): number {
  switch (q % 4) {
    case 0:
      return sinKernel(r);
    case 1:
      return cosKernel(r);
    case 2:
      return -sinKernel(r);
    default:
      return -cosKernel(r);
  }
}

/** Sine. Meant for the angles of latent interpolation (|x| up to a few pi). */
export function detSin(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const { r, q } = reduce(x);
  return sinInQuadrant(r, q);
}

/** Cosine (cos x = sin(x + pi/2): one quadrant on). Meant for the angles of latent interpolation. */
export function detCos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const { r, q } = reduce(x);
  return sinInQuadrant(r, q + 1);
}

/** Arctangent, in (-pi/2, pi/2). */
export function detAtan(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return -detAtan(-x);
  if (x === Infinity) return PIO2_HI + PIO2_LO;
  // atan(x) = pi/2 - atan(1/x) for x > 1; then atan(x) = pi/6 + atan((x - 1/sqrt3) / (1 + x/sqrt3))
  // for x > tan(pi/12), leaving |y| <= tan(pi/12) = 0.268 for the series.
  let offset = 0;
  let sign = 1;
  let y = x;
  if (y > 1) {
    offset = PIO2_HI + PIO2_LO;
    sign = -1;
    y = 1 / y;
  }
  if (y > TAN_PI_12) {
    offset += sign * PIO6;
    y = (y - INV_SQRT3) / (1 + y * INV_SQRT3);
  }
  // atan(y) = y - y^3/3 + y^5/5 - ...
  const y2 = y * y;
  let power = y;
  let sum = y;
  for (let k = 3; k <= 31; k += 2) {
    power *= -y2;
    sum += power / k;
  }
  return offset + sign * sum;
}

/** Arccosine, in [0, pi]. NaN outside [-1, 1]. */
export function detAcos(x: number): number {
  if (Number.isNaN(x) || x > 1 || x < -1) return NaN;
  if (x === -1) return PI;
  // acos(x) = 2 atan(sqrt((1 - x) / (1 + x))), well conditioned on the whole of (-1, 1].
  return 2 * detAtan(detSqrt((1 - x) / (1 + x)));
}
