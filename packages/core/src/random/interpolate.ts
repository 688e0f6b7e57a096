import { GanforgeError } from '../errors.ts';
import { detAcos, detSin, detSqrt } from './detmath.ts';

/** How to walk between two latent vectors. */
export type InterpolationMode = 'linear' | 'spherical';

type Vector = ArrayLike<number>;

function checkPair(a: Vector, b: Vector): void {
  if (a.length !== b.length || a.length === 0) {
    throw new GanforgeError(
      'bad_latent',
      `cannot interpolate between latent vectors of length ${a.length} and ${b.length}`,
      { hint: 'both ends must be non-empty and the same size (the latent dimension)' },
    );
  }
}

function checkT(t: number): void {
  if (!Number.isFinite(t)) throw new GanforgeError('bad_latent', `interpolation t must be finite, got ${t}`);
}

/** (1 - t) a + t b, computed in double and rounded once to float32. */
export function lerp(a: Vector, b: Vector, t: number): Float32Array {
  checkPair(a, b);
  checkT(t);
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (1 - t) * a[i]! + t * b[i]!;
  return out;
}

/**
 * Spherical linear interpolation (Shoemake 1985; for GAN latents White 2016, "Sampling Generative
 * Networks"): sin((1-t)w)/sin(w) a + sin(tw)/sin(w) b, w the angle between a and b. Under a Gaussian
 * prior, points on the straight line between two samples have a norm the generator rarely saw; the
 * great-circle path keeps it typical. When a or b is zero, or they are (anti)parallel, the angle is
 * undefined or the arc is not unique, and this falls back to lerp. Uses the deterministic sin/acos,
 * so server and browser get the same bits.
 */
export function slerp(a: Vector, b: Vector, t: number): Float32Array {
  checkPair(a, b);
  checkT(t);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return lerp(a, b, t);
  const cos = Math.min(1, Math.max(-1, dot / (detSqrt(na) * detSqrt(nb))));
  const omega = detAcos(cos);
  const sinOmega = detSin(omega);
  if (sinOmega < 1e-6) return lerp(a, b, t);
  const wa = detSin((1 - t) * omega) / sinOmega;
  const wb = detSin(t * omega) / sinOmega;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = wa * a[i]! + wb * b[i]!;
  return out;
}

/**
 * `steps` latent vectors from a (first) to b (last), evenly spaced in t = i / (steps - 1), row-major
 * like sampleLatents (steps * a.length). steps = 1 gives just a.
 */
export function interpolateLatents(
  a: Vector,
  b: Vector,
  steps: number,
  mode: InterpolationMode = 'spherical',
): Float32Array {
  checkPair(a, b);
  if (!Number.isSafeInteger(steps) || steps < 1) {
    throw new GanforgeError('bad_latent', `interpolation steps must be a whole number >= 1, got ${steps}`);
  }
  if (mode !== 'linear' && mode !== 'spherical') {
    throw new GanforgeError(
      'bad_latent',
      `interpolation must be 'linear' or 'spherical', got '${String(mode)}'`,
    );
  }
  const step = mode === 'linear' ? lerp : slerp;
  const dim = a.length;
  const out = new Float32Array(steps * dim);
  for (let i = 0; i < steps; i++) {
    const t = steps === 1 ? 0 : i / (steps - 1);
    out.set(step(a, b, t), i * dim);
  }
  return out;
}
